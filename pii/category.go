// Package pii names the categories of personal data and recognises them in
// form fields (and, later, in content).
package pii

// Personal-data categories, as listed in DESIGN.md.
const (
	Identity      = "identity"
	Contact       = "contact"
	Message       = "message"
	Birth         = "birth"
	NationalID    = "national-id"
	Financial     = "financial"
	Credentials   = "credentials"
	Health        = "health"
	Political     = "political"
	Religious     = "religious"
	Union         = "union"
	SexualLife    = "sexual-life"
	Biometric     = "biometric"
	Location      = "location"
	Upload        = "upload"
	OtherPersonal = "other-personal"
)

// Categories lists every category in a stable order.
var Categories = []string{
	Identity, Contact, Message, Birth, NationalID, Financial, Credentials,
	Health, Political, Religious, Union, SexualLife, Biometric, Location,
	Upload, OtherPersonal,
}

// IsSpecial reports whether c is a special category of GDPR art. 9.
func IsSpecial(c string) bool {
	switch c {
	case Health, Political, Religious, Union, SexualLife, Biometric:
		return true
	}
	return false
}

// IsCritical reports whether collecting c without encryption is critical:
// special categories, national identifiers, financial data and credentials.
func IsCritical(c string) bool {
	return IsSpecial(c) || c == NationalID || c == Financial || c == Credentials
}
