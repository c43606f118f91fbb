package detect

// Checksums and structure of the identifiers the detectors recognise.

// luhn reports whether the digits of d pass the Luhn (mod 10) check.
func luhn(d []byte) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		c := d[i]
		if c < '0' || c > '9' {
			return false
		}
		v := int(c - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return len(d) > 0 && sum%10 == 0
}

// laPoste is the SIREN of La Poste, whose SIRETs do not follow Luhn: the
// sum of their digits is a multiple of 5 instead.
const laPoste = "356000000"

// validSIREN reports whether d (9 digits) is a valid SIREN.
func validSIREN(d []byte) bool { return len(d) == 9 && (luhn(d) || string(d) == laPoste) }

// validSIRET reports whether d (14 digits) is a valid SIRET.
func validSIRET(d []byte) bool {
	if len(d) != 14 {
		return false
	}
	if string(d[:9]) == laPoste {
		sum := 0
		for _, c := range d {
			sum += int(c - '0')
		}
		return sum%5 == 0
	}
	return luhn(d)
}

// validNIR reports whether d, 15 characters (digits, and "2A" or "2B" as
// the department of people born in Corsica), is a well-formed NIR whose
// key matches: key = 97 - (first 13 digits mod 97), with 2A read as 19 and
// 2B as 18.
func validNIR(d []byte) bool {
	if len(d) != 15 {
		return false
	}
	switch d[0] {
	case '1', '2', '3', '4', '7', '8':
	default:
		return false
	}
	for i, c := range d {
		if (i == 6 && (c == 'A' || c == 'B') && d[5] == '2') || (c >= '0' && c <= '9') {
			continue
		}
		return false
	}
	month := num2(d[3:5])
	if !(month >= 1 && month <= 12 || month >= 20 && month <= 42 || month >= 50) {
		return false
	}
	if d[5] == '0' && d[6] == '0' {
		return false // no department 00
	}
	if string(d[10:13]) == "000" {
		return false // order numbers start at 001
	}
	n := 0
	for i := 0; i < 13; i++ {
		c := d[i]
		switch {
		case i == 5 && d[6] == 'A':
			c = '1'
		case i == 6 && c == 'A':
			c = '9'
		case i == 5 && d[6] == 'B':
			c = '1'
		case i == 6 && c == 'B':
			c = '8'
		}
		n = (n*10 + int(c-'0')) % 97
	}
	key := num2(d[13:15])
	return key == 97-n
}

func num2(b []byte) int { return int(b[0]-'0')*10 + int(b[1]-'0') }

// ibanLengths are the IBAN lengths of the countries whose IBANs are
// recognised (ISO 13616 registry): the EEA, the United Kingdom,
// Switzerland, Monaco, the Maghreb and a few more.
var ibanLengths = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22,
	"DK": 18, "DZ": 26, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27,
	"HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20,
	"LV": 21, "MA": 28, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25,
	"RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24,
}

// exampleIBANs are the IBANs of standards, encyclopaedias and bank
// documentation; pages that show them identify nobody.
var exampleIBANs = map[string]bool{
	"FR7630006000011234567890189": true, "FR1420041010050500013M02606": true,
	"DE89370400440532013000": true, "GB29NWBK60161331926819": true, "GB82WEST12345698765432": true,
	"BE68539007547034": true, "NL91ABNA0417164300": true, "ES9121000418450200051332": true,
	"IT60X0542811101000000123456": true, "CH9300762011623852957": true, "LU280019400644750000": true,
	"MC5811222000010123456789030": true, "AT611904300234573201": true, "PT50000201231234567890154": true,
}

// validIBAN reports whether s (upper-case letters and digits, no spaces)
// passes the ISO 13616 mod-97 check, and for French IBANs the RIB key.
func validIBAN(s []byte) bool {
	if len(s) < 15 || ibanLengths[string(s[:2])] != len(s) {
		return false
	}
	r := 0
	for k := 0; k < len(s); k++ {
		c := s[(k+4)%len(s)]
		switch {
		case c >= '0' && c <= '9':
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			r = (r*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	if r != 1 {
		return false
	}
	if string(s[:2]) == "FR" || string(s[:2]) == "MC" {
		return validRIB(s[4:])
	}
	return true
}

// validRIB checks the key of a French RIB: bank (5), branch (5), account
// (11, letters mapped to digits) and key (2), with
// key = 97 - ((89 bank + 15 branch + 3 account) mod 97).
func validRIB(b []byte) bool {
	if len(b) != 23 {
		return false
	}
	mod := func(p []byte) int {
		r := 0
		for _, c := range p {
			r = (r*10 + ribDigit(c)) % 97
		}
		return r
	}
	for _, c := range b[21:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	sum := (89*mod(b[:5]) + 15*mod(b[5:10]) + 3*mod(b[10:21])) % 97
	return 97-sum == num2(b[21:23])
}

// ribDigit maps a RIB character to its digit: A and J are 1, B K S are 2,
// and so on.
func ribDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'I':
		return int(c-'A') + 1
	case c >= 'J' && c <= 'R':
		return int(c-'J') + 1
	case c >= 'S' && c <= 'Z':
		return int(c-'S') + 2
	}
	return 0
}

// cardIssuer returns the network of a card number from its prefix and
// length, or "" when no known network issues such numbers.
func cardIssuer(d []byte) string {
	n := len(d)
	p2 := num2(d[:2])
	p3 := p2*10 + int(d[2]-'0')
	p4 := p3*10 + int(d[3]-'0')
	switch {
	case d[0] == '4' && (n == 13 || n == 16 || n == 19):
		return "visa"
	case (p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720) && n == 16:
		return "mastercard"
	case (p2 == 34 || p2 == 37) && n == 15:
		return "amex"
	case (p3 >= 300 && p3 <= 305 || p2 == 36 || p2 == 38 || p2 == 39) && n >= 14 && n <= 19:
		return "diners"
	case (p4 == 6011 || p2 == 65 || p3 >= 644 && p3 <= 649) && n >= 16 && n <= 19:
		return "discover"
	case p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19:
		return "jcb"
	case p2 == 62 && n >= 16 && n <= 19:
		return "unionpay"
	case (p2 == 50 || p2 >= 56 && p2 <= 69) && n >= 12 && n <= 19:
		return "maestro"
	}
	return ""
}

// testCards are card numbers published by payment providers (Stripe,
// Adyen, PayPal, Braintree, the CB network) for tests: documentation pages
// show them, and they identify nobody.
var testCards = map[string]bool{
	"4111111111111111": true, "4242424242424242": true, "4012888888881881": true,
	"4222222222222": true, "4000056655665556": true, "4000000000000002": true,
	"4000002500003155": true, "4000000000003220": true, "4000000000000077": true,
	"4000000000009995": true, "4000000000000127": true, "4000000000000069": true,
	"4000000000000119": true, "4000000000000341": true, "4000002760003184": true,
	"4000000760000002": true, "4000002500000003": true, "4000000000000010": true,
	"5555555555554444": true, "5105105105105100": true, "5200828282828210": true,
	"2223003122003222": true, "2223000048400011": true, "5454545454545454": true,
	"5425233430109903": true, "2222400070000005": true, "5101180000000007": true,
	"378282246310005": true, "371449635398431": true, "378734493671000": true,
	"6011111111111117": true, "6011000990139424": true, "6011000400000000": true,
	"30569309025904": true, "38520000023237": true, "36227206271667": true,
	"3566002020360505": true, "3530111333300000": true, "6200000000000005": true,
	"4970100000000000": true, "4970101122334455": true, "4970105181818183": true,
	"4970100000000154": true, "4970100000000055": true, "4970100000000063": true,
	"4035501000000008": true, "4360000001000005": true, "4917610000000000": true,
	"4988438843884305": true, "4444333322221111": true, "4761739001010010": true,
	"4005519200000004": true, "4009348888881881": true, "4012000033330026": true,
	"4012000077777777": true, "4217651111111119": true, "4500600000000061": true,
	"6703444444444449": true, "6759649826438453": true, "6799990100000000019": true,
}

// repetitive reports whether d is one digit nearly throughout or a run
// such as 123456789..., which no issuer hands out.
func repetitive(d []byte) bool {
	var count [10]int
	up := true
	for i, c := range d {
		count[c-'0']++
		if i > 0 && c != '0'+(d[i-1]-'0'+1)%10 {
			up = false
		}
	}
	for _, n := range count {
		if n >= len(d)-2 {
			return true
		}
	}
	return up
}
