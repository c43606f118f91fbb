package main

import (
	"context"
	"errors"
	"io"

	"github.com/urfave/cli/v3"

	"vigie/runner"
)

const catEvidence = "Evidence"

// evidenceFlags are the evidence flags of the scan command.
func evidenceFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "archive", Value: runner.ArchiveFindings, Category: catEvidence, Usage: "archive as evidence the exchanges findings rely on (findings), every exchange (all), or none"},
		&cli.StringFlag{Name: "evidence-dir", Category: catEvidence, Usage: "write the WARC files and signed manifest to `DIR` (default: evidence/SCAN_ID under the XDG data directory)"},
		&cli.BoolFlag{Name: "keep-personal-data", Category: catEvidence, Usage: "store captured bodies verbatim instead of masking the personal data of third parties"},
	}
}

// evidenceSettings reads the evidence flags.
func evidenceSettings(cmd *cli.Command) runner.EvidenceSettings {
	return runner.EvidenceSettings{
		Archive:          cmd.String("archive"),
		Dir:              cmd.String("evidence-dir"),
		KeepPersonalData: cmd.Bool("keep-personal-data"),
	}
}

func evidenceCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "evidence",
		Usage: "verify, export and read the evidence scans archive (WARC records and signed manifests)",
		Commands: []*cli.Command{
			{
				Name:      "verify",
				Usage:     "check the digests and signature of a scan's evidence directory or of a bundle; exit non-zero listing what does not match",
				ArgsUsage: "DIR|BUNDLE",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "key", Usage: "require the signature of the public key in PEM `FILE` (default: the key shipped beside the manifest)"},
				},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					if cmd.Args().Len() != 1 {
						return errors.New("verify takes one evidence directory or bundle")
					}
					return runner.VerifyEvidence(runner.VerifyOptions{Path: cmd.Args().First(), KeyFile: cmd.String("key"), Stdout: stdout})
				},
			},
			{
				Name:      "export",
				Usage:     "pack the evidence of a finding, or of every finding of a case, into a bundle: its WARC records, the signed manifest, the public key and a summary",
				ArgsUsage: "FINDING_ID|CASE_ID",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "o", Aliases: []string{"output"}, Required: true, Usage: "write the bundle to `FILE` (.zip)"},
					dbFlag("history database that names the finding's scan: SQLite `PATH` (default under the XDG data directory), or none"),
					&cli.StringFlag{Name: "dir", Usage: "the scan's evidence `DIR` (default: found from the database or under the data directory)"},
				},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					if cmd.Args().Len() != 1 {
						return errors.New("export takes one finding ID")
					}
					return runner.ExportEvidence(ctx, runner.ExportOptions{
						ID: cmd.Args().First(), Out: cmd.String("o"), Dir: cmd.String("dir"), DB: cmd.String("db"), Stdout: stdout,
					})
				},
			},
			{
				Name:      "show",
				Usage:     "print one WARC record by its ID",
				ArgsUsage: "RECORD_ID",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "dir", Usage: "look in this evidence `DIR` or bundle (default: every scan under the data directory)"},
				},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					if cmd.Args().Len() != 1 {
						return errors.New("show takes one record ID")
					}
					return runner.ShowRecord(runner.ShowOptions{RecordID: cmd.Args().First(), Path: cmd.String("dir"), Stdout: stdout})
				},
			},
		},
	}
}

func keyCommand(stdout io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "key",
		Usage: "manage the ed25519 key that signs evidence manifests",
		Commands: []*cli.Command{{
			Name:  "show",
			Usage: "print the public key and its fingerprint (the key is created on first use)",
			Action: func(ctx context.Context, cmd *cli.Command) error {
				return runner.ShowKey(stdout, "")
			},
		}},
	}
}
