package eml

import (
	"path"
	"strings"
)

// Extensions by risk. Sources: Microsoft's list of file types blocked in
// Outlook ("Blocked attachments in Outlook"), and the macro-enabled Office
// Open XML formats (ECMA-376 "m" variants).
var (
	executableExt = set("exe", "scr", "com", "pif", "bat", "cmd", "cpl", "msi", "msp", "dll", "js", "jse", "vbs", "vbe", "wsf", "wsh", "wsc", "hta", "ps1", "psm1", "lnk", "jar", "reg", "inf", "scf", "url", "application", "appx", "msix", "apk", "sh", "app", "gadget", "chm")
	macroExt      = set("docm", "dotm", "xlsm", "xltm", "xlam", "xlsb", "pptm", "potm", "ppam", "ppsm", "sldm")
	archiveExt    = set("zip", "rar", "7z", "gz", "tgz", "bz2", "xz", "ace", "arj", "cab", "lzh", "tar")
	diskImageExt  = set("iso", "img", "vhd", "vhdx", "dmg")
	// documentExt are the extensions a double extension hides behind
	// ("facture.pdf.exe").
	documentExt = set("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "txt", "rtf", "jpg", "jpeg", "png", "gif", "html", "htm", "csv")
)

func set(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// Attachment risks, worst first.
const (
	RiskDoubleExtension = "double-extension"
	RiskExecutable      = "executable"
	RiskMacro           = "macro"
	RiskDiskImage       = "disk-image"
	RiskArchive         = "archive"
)

// attachmentRisk classifies an attachment by its name (and its media
// type when nameless). Archives are a note: their contents are not read.
func attachmentRisk(name, contentType string) string {
	lower := strings.ToLower(strings.TrimRight(name, " ."))
	ext := strings.TrimPrefix(path.Ext(lower), ".")
	prev := strings.TrimPrefix(path.Ext(strings.TrimSuffix(lower, "."+ext)), ".")
	switch {
	case ext != "" && documentExt[prev] && (executableExt[ext] || diskImageExt[ext] || archiveExt[ext]):
		return RiskDoubleExtension
	case executableExt[ext]:
		return RiskExecutable
	case macroExt[ext]:
		return RiskMacro
	case diskImageExt[ext]:
		return RiskDiskImage
	case archiveExt[ext]:
		return RiskArchive
	}
	switch contentType {
	case "application/x-msdownload", "application/x-msdos-program", "application/x-dosexec", "application/hta", "application/x-ms-shortcut":
		return RiskExecutable
	case "application/vnd.ms-word.document.macroenabled.12", "application/vnd.ms-excel.sheet.macroenabled.12", "application/vnd.ms-powerpoint.presentation.macroenabled.12":
		return RiskMacro
	}
	return ""
}

// risky reports whether an attachment risk is a signal (archives are a
// note).
func risky(risk string) bool { return risk != "" && risk != RiskArchive }
