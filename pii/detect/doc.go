// Package detect finds personal data in the bodies of web responses:
// e-mail addresses, French and international phone numbers, French social
// security numbers (NIR), IBANs, payment cards, dates of birth, postal
// addresses, IP addresses and words of the special categories of GDPR
// art. 9 (health, political opinions, religion, union membership, sex
// life). It also recognises SIREN and SIRET numbers, which identify
// organisations rather than people.
//
// HTML is reduced to its visible text, with table cells labelled by their
// column header; JSON values are labelled by their key, CSV cells by their
// column, XML text by its element. Labels and the words just before a value
// give context: a date is a date of birth only after "né le" or in a
// "date_naissance" column, a five-digit number is a postcode only next to
// a street word or in an address column, a ten-digit number after
// "commande n°" is an order number, not a phone.
//
// The scan is one pass over the text without regular expressions. Results
// never hold a value in clear: each keeps its kind, its category, a salted
// SHA-256 and a masked form such as "j***@e***.fr".
//
// Find is Vigie's one masker: with the same reading of bodies, it returns
// where personal data lies (byte spans of the body, with kind and
// category) so that evidence, findings, reports, letters and the
// dashboard can mask it (see spans.go). Spreadsheets and PDF files are
// read through package document (ScanDocument, MaskDocument).
package detect
