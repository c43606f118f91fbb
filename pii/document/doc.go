// Package document reads the text and the tables of office documents and
// PDF files served by the sites Vigie audits, so that the personal data
// they expose can be found and masked like that of an HTML page or a CSV
// export.
//
// Three formats are read: Office Open XML workbooks (.xlsx, .xlsm), with
// github.com/xuri/excelize/v2; OpenDocument spreadsheets (.ods), whose
// content.xml is read here with archive/zip and encoding/xml; and PDF, with
// github.com/ledongthuc/pdf behind a guard of our own (see below). A body
// is recognised by its magic bytes first, then by its content type and file
// name; Sniff says which format a body claims to be, Extract reads it.
//
// A spreadsheet becomes one Table per sheet: its non-empty rows, cells in
// their column, and the index of its header row when the first non-empty
// row looks like labels (text, not numbers or dates). A PDF becomes Text:
// the running text of its pages, one page after another.
//
// # Masking re-renders the whole body
//
// Byte spans mean nothing in a zipped or compressed format: the characters
// of a cell sit deflated inside a zip entry (xlsx, ods) or in a compressed
// content stream, split across text operators (PDF). A masked copy of such
// a file therefore cannot be made by overwriting spans of its body. Vigie's
// evidence keeps instead a re-rendering of what the file says: Document.CSV
// gives each sheet as CSV (header row first) and Document.Text the text of
// a PDF, and the masker replaces the whole body by the masked re-rendering.
// The original bytes are never kept when personal data must be masked.
//
// # Hostile input
//
// Bodies come from sites under audit and may be crafted. Every read is
// bounded by Limits: the size of the body, the total size of the
// decompressed data (zip entries are checked against their declared sizes
// before anything is inflated, and archive/zip refuses an entry longer than
// it declared), the number of zip entries, sheets, cells, pages and
// characters, and a time budget. Before a PDF reaches the PDF library, a
// guard inflates each of its compressed streams up to the limit (stopping
// zlib bombs, also nested ones), refuses predictor parameters that would
// make the library allocate huge rows, and refuses cross-reference streams
// that put an object stream inside another one (which would make the
// library recurse without end); the file is then read through a reader
// that fails once the time budget is spent, which ends any loop the
// library might run over a cyclic page tree. Encrypted files are refused.
// A library panic is recovered. Every failure is an error that starts with
// "document: " and the format, and wraps one of the Err values.
package document
