// Package letter renders what a case sends and publishes: the alert to the
// organisation's DPO, the reminder, the complaint to the regulator (GDPR
// art. 77) and the public chronology, in French and English, from embedded
// text/template files a directory can override; letters come out as
// Markdown or as an RFC 5322 message (.eml).
package letter
