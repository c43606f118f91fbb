// Package observatory grades a site's HTTP security headers the way the
// MDN HTTP Observatory does (scoring algorithm version 4, as published in
// @mdn/mdn-http-observatory 1.4.8): ten tests (content-security-policy,
// cookies, cross-origin-resource-sharing, redirection, referrer-policy,
// strict-transport-security, subresource-integrity,
// x-content-type-options, x-frame-options, cross-origin-resource-policy),
// each giving one result with a score modifier; the score starts at 100,
// penalties apply always and bonuses only when the score without them is
// at least 90; the grade is read from the score rounded down to a
// multiple of five.
//
// Grade is a pure function over the observations Vigie already makes (the
// roots of the site over HTTPS and HTTP with their redirect chains, the
// entry page's headers, meta elements and scripts, and the one GET with a
// foreign Origin the crawl sends to the entry page). Where Vigie observes
// less than the Observatory, the grade says so in Result.Notes:
//   - the HSTS preload list is not bundled: no host counts as preloaded;
//   - the CORS test reads the answer to a GET with a foreign Origin, not to
//     an OPTIONS preflight (Vigie sends no other method by default);
//   - cookies are those the final response of the entry page sets (the
//     Observatory also keeps those set along its redirects and by
//     /robots.txt);
//   - like the Observatory 1.4.8 as it runs, an origin echoed with
//     credentials grades as restricted access (0), not universal access
//     (-50): see universalAccessReachable;
//   - a certificate the fetcher rejects ends the HTTPS observation, where
//     the Observatory carries on without verification.
package observatory
