// Package target parses the list of sites to audit: URLs or bare host names
// given as arguments, one a line in a text file, or in a CSV file that also
// names each site's organisation and tags.
//
// Every accepted input is normalised (lower-case scheme and host, IDNA host
// names converted to ASCII, default port and fragment dropped, empty path
// turned into "/") so that the same site written two ways is audited once.
// Bad inputs are reported as *LineError values naming the file and line,
// and parsing goes on with the next line.
package target
