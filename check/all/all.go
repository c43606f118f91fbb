// Package all links every check family into the binary; import it for its
// side effects.
package all

import (
	_ "vigie/check/auth"         // auth.*
	_ "vigie/check/auth"         // auth.*
	_ "vigie/check/eml"          // eml.* (catalogue only: vigie eml reads emails, not sites)
	_ "vigie/check/exposure"     // exposure.*
	_ "vigie/check/exposure"     // exposure.*
	_ "vigie/check/form"         // form.*
	_ "vigie/check/form"         // form.*
	_ "vigie/check/headers"      // headers.*
	_ "vigie/check/hosting"      // hosting.*
	_ "vigie/check/mail"         // mail.* (vigie mail, scan --mail)
	_ "vigie/check/tls"          // tls.*
	_ "vigie/check/tls"          // tls.*
	_ "vigie/check/transparency" // transparency.*
	_ "vigie/check/transport"    // transport.*
	_ "vigie/check/transport"    // transport.*
	_ "vigie/check/wellknown"    // wellknown.*

	_ "vigie/check/consent"    // consent.* (browser mode)
	_ "vigie/check/cookies"    // cookies.* (browser mode)
	_ "vigie/check/thirdparty" // thirdparty.* (browser mode)
)
