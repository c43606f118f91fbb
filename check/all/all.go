// Package all links every check family into the binary; import it for its
// side effects.
package all

import (
	_ "vigie/check/auth"      // auth.*
	_ "vigie/check/exposure"  // exposure.*
	_ "vigie/check/form"      // form.*
	_ "vigie/check/tls"       // tls.*
	_ "vigie/check/transport" // transport.*

	_ "vigie/check/consent"    // consent.* (browser mode)
	_ "vigie/check/cookies"    // cookies.* (browser mode)
	_ "vigie/check/thirdparty" // thirdparty.* (browser mode)
)
