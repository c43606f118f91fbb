package detect

import "testing"

func TestLuhn(t *testing.T) {
	for d, want := range map[string]bool{
		"4970101234567893": true, "4970101234567890": false, "73282932000074": true,
		"732829320": true, "732829321": false, "": false, "12a4": false,
	} {
		if got := luhn([]byte(d)); got != want {
			t.Errorf("luhn(%q) = %v, want %v", d, got, want)
		}
	}
}

func TestValidSIRET(t *testing.T) {
	for d, want := range map[string]bool{
		"73282932000074": true,  // Danone
		"73282932000075": false, // key broken
		"35600000049837": true,  // La Poste: digit sum multiple of 5
		"35600000049838": false,
		"21010010900011": true,
	} {
		if got := validSIRET([]byte(d)); got != want {
			t.Errorf("validSIRET(%s) = %v, want %v", d, got, want)
		}
	}
	if !validSIREN([]byte("732829320")) || validSIREN([]byte("732829322")) || !validSIREN([]byte(laPoste)) {
		t.Errorf("validSIREN")
	}
}

func TestValidNIR(t *testing.T) {
	for d, want := range map[string]bool{
		"185037511623881": true,
		"185037511623882": false, // wrong key
		"291076912304543": true,
		"185032A01234547": true, // born in Corse-du-Sud: 2A counts as 19
		"185032B01234547": false,
		"178029935001247": true,  // born abroad (99)
		"785037511623881": false, // provisional prefix, key computed for 1
		"585037511623881": false, // no such sex digit
		"185137511623881": false, // month 13
		"18503751100081":  false, // too short
		"185030011623881": false, // department 00
		"1850375116000xx": false,
	} {
		if got := validNIR([]byte(d)); got != want {
			t.Errorf("validNIR(%s) = %v, want %v", d, got, want)
		}
	}
	// A provisional number (7 or 8) with its own key.
	d := []byte("785037511623800")
	n := 0
	for _, c := range d[:13] {
		n = (n*10 + int(c-'0')) % 97
	}
	k := 97 - n
	d[13], d[14] = byte('0'+k/10), byte('0'+k%10)
	if !validNIR(d) {
		t.Errorf("provisional NIR %s rejected", d)
	}
}

func TestValidIBAN(t *testing.T) {
	for s, want := range map[string]bool{
		"FR7630006000011234567890189": true,
		"FR7630006000011234567890188": false, // RIB key and mod 97 broken
		"DE89370400440532013000":      true,
		"GB29NWBK60161331926819":      true,
		"BE68539007547034":            true,
		"FR763000600001123456789018":  false, // one short
		"XX7630006000011234567890189": false,
		"FR1420041010050500013M02606": true, // account number with a letter
	} {
		if got := validIBAN([]byte(s)); got != want {
			t.Errorf("validIBAN(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestCardIssuer(t *testing.T) {
	for d, want := range map[string]string{
		"4970101234567893": "visa", "5130004567890128": "mastercard", "2221000000000009": "mastercard",
		"378282246310013": "amex", "30569309025904": "diners", "6011000990139424": "discover",
		"3569380042232010": "jcb", "1234567812345670": "", "9999999999999995": "",
	} {
		if got := cardIssuer([]byte(d)); got != want {
			t.Errorf("cardIssuer(%s) = %q, want %q", d, got, want)
		}
	}
}
