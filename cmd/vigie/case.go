package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
	"vigie/finding"

	"github.com/urfave/cli/v3"

	"vigie/cases"
	"vigie/crawl"
	"vigie/runner"
)

const dbUsage = "database of scans and cases: SQLite `PATH` (default under the XDG data directory)"

// minSeverityFlag is the --min-severity flag: the failure threshold.
func minSeverityFlag(usage string) cli.Flag {
	return &cli.StringFlag{Name: "min-severity", Value: finding.DefaultThreshold.String(), Usage: usage + " (`SEVERITY`: low, medium, high or critical)"}
}

// oneArg returns the single argument of cmd, or an error naming what it is.
func oneArg(cmd *cli.Command, what string) (string, error) {
	if cmd.Args().Len() != 1 {
		return "", fmt.Errorf("%s takes one %s", cmd.Name, what)
	}
	return cmd.Args().First(), nil
}

// parseDate reads a YYYY-MM-DD date flag, the current time when empty.
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return t, nil
}

func caseCommand(stdout, stderr io.Writer) *cli.Command {
	letterFlags := []cli.Flag{
		dbFlag(dbUsage),
		&cli.StringFlag{Name: "lang", Value: "fr", Usage: "language: fr or en"},
		&cli.StringFlag{Name: "templates", Usage: "override the embedded templates with those of `DIR` (same file names)"},
		&cli.StringFlag{Name: "o", Aliases: []string{"output"}, Usage: "write to `FILE` (default: standard output)"},
	}
	letterOptions := func(cmd *cli.Command) (runner.CaseLetterOptions, error) {
		id, err := oneArg(cmd, "case ID")
		if err != nil {
			return runner.CaseLetterOptions{}, err
		}
		return runner.CaseLetterOptions{DB: cmd.String("db"), ID: id, Lang: cmd.String("lang"), Format: cmd.String("format"),
			Templates: cmd.String("templates"), Output: cmd.String("o"), Stdout: stdout}, nil
	}
	return &cli.Command{
		Name:  "case",
		Usage: "follow the action on findings: cases per organisation, timeline, letters, deadlines, re-verification, public chronology",
		Commands: []*cli.Command{
			{
				Name:  "open",
				Usage: "open one case per organisation (or its topmost parent in the directory) from a scan's open findings; or, with --kind rights-request, a data subject's request (GDPR art. 15, 17, 21)",
				Flags: concat([]cli.Flag{
					dbFlag(dbUsage),
					&cli.StringFlag{Name: "from-scan", Usage: "the scan `ID` whose findings the cases are about"},
					&cli.StringFlag{Name: "group-by", Value: "organisation", Usage: "grouping of findings into cases: organisation"},
					minSeverityFlag("the cases' failure threshold: findings at or above it are failures the cases are about; below (and info always), notes"),
				}, rightsOpenFlags()),
				Action: func(ctx context.Context, cmd *cli.Command) error {
					if k := cmd.String("kind"); k != "" && k != "findings" {
						return rightsOpen(ctx, cmd, stdout)
					}
					if cmd.String("from-scan") == "" {
						return errors.New("case open needs --from-scan SCAN_ID (or --kind rights-request)")
					}
					if g := cmd.String("group-by"); g != "organisation" {
						return fmt.Errorf("--group-by %q: only organisation is supported", g)
					}
					min, err := finding.ParseThreshold(cmd.String("min-severity"))
					if err != nil {
						return fmt.Errorf("--min-severity: %w", err)
					}
					_, err = runner.CaseOpen(ctx, runner.CaseOpenOptions{DB: cmd.String("db"), ScanID: cmd.String("from-scan"), MinSeverity: min, Stdout: stdout})
					return err
				},
			},
			{
				Name:  "list",
				Usage: "list the cases",
				Flags: []cli.Flag{dbFlag(dbUsage)},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					return runner.CaseList(ctx, cmd.String("db"), stdout)
				},
			},
			{
				Name:      "show",
				Usage:     "show a case: sites, findings, timeline",
				ArgsUsage: "ID",
				Flags:     []cli.Flag{dbFlag(dbUsage)},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					id, err := oneArg(cmd, "case ID")
					if err != nil {
						return err
					}
					return runner.CaseShow(ctx, cmd.String("db"), id, stdout)
				},
			},
			{
				Name:      "event",
				Usage:     "record an event; a kind naming a state (dpo-alerted, complaint-filed, authority-answered, verified-fixed, closed, regressed, withdrawn) moves the case there if allowed; note, reminder, answer-received, partially-fixed and new-findings do not",
				ArgsUsage: "ID",
				Flags: []cli.Flag{
					dbFlag(dbUsage),
					&cli.StringFlag{Name: "kind", Required: true, Usage: "event `KIND`"},
					&cli.StringFlag{Name: "date", Usage: "`YYYY-MM-DD` of the event (default: today)"},
					&cli.StringFlag{Name: "author", Usage: "who records the event"},
					&cli.StringFlag{Name: "text", Usage: "free text"},
					&cli.StringFlag{Name: "ref", Usage: "outside reference, e.g. a complaint number (28-6912)"},
					&cli.StringFlag{Name: "attach", Usage: "attach `FILE` (its name, path and SHA-256 are recorded)"},
					&cli.BoolFlag{Name: "private", Usage: "keep the event out of the public chronology"},
				},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					id, err := oneArg(cmd, "case ID")
					if err != nil {
						return err
					}
					date, err := parseDate(cmd.String("date"))
					if err != nil {
						return err
					}
					_, err = runner.CaseEvent(ctx, runner.CaseEventOptions{DB: cmd.String("db"), ID: id, Attach: cmd.String("attach"), Stdout: stdout,
						Event: cases.Event{Date: date, Kind: cmd.String("kind"), Author: cmd.String("author"), Text: cmd.String("text"), Ref: cmd.String("ref"), Private: cmd.Bool("private")}})
					return err
				},
			},
			{
				Name:      "letter",
				Usage:     "write the alert to the DPO, a reminder, or the complaint to the regulator (GDPR art. 77); for a rights request, the request (access, erasure, objection) or the complaint once its deadline has passed (rights-complaint)",
				ArgsUsage: "ID",
				Flags: concat(letterFlags, []cli.Flag{
					&cli.StringFlag{Name: "kind", Value: "alert", Usage: "alert, reminder or complaint; for a rights request: access, erasure, objection or rights-complaint (default: its right)"},
					&cli.StringFlag{Name: "format", Value: "md", Usage: "md or eml"},
					&cli.StringFlag{Name: "from", Usage: "sender, `NAME <ADDRESS>` (required for eml)"},
					&cli.StringFlag{Name: "smtp", Usage: "send the .eml through the SMTP relay at `HOST:PORT` (no authentication)"},
					&cli.StringFlag{Name: "date", Usage: "`YYYY-MM-DD` of the letter (default: today)"},
				}),
				Action: func(ctx context.Context, cmd *cli.Command) error {
					o, err := letterOptions(cmd)
					if err != nil {
						return err
					}
					if o.Date, err = parseDate(cmd.String("date")); err != nil {
						return err
					}
					o.Kind, o.From, o.SMTP = cmd.String("kind"), cmd.String("from"), cmd.String("smtp")
					return runner.CaseLetter(ctx, o)
				},
			},
			{
				Name:  "due",
				Usage: "list the cases whose follow-up delay has run out",
				Flags: []cli.Flag{
					dbFlag(dbUsage),
					&cli.StringFlag{Name: "date", Usage: "as of `YYYY-MM-DD` (default: today)"},
					&cli.StringFlag{Name: "delays", Usage: "follow-up delays in days, `STATE=DAYS,...` (default dpo-alerted=30,complaint-filed=90,regressed=30)"},
				},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					now, err := parseDate(cmd.String("date"))
					if err != nil {
						return err
					}
					delays, err := cases.ParseDelays(cmd.String("delays"))
					if err != nil {
						return err
					}
					_, err = runner.CaseDue(ctx, cmd.String("db"), now, delays, stdout)
					return err
				},
			},
			{
				Name:      "publish",
				Usage:     "write the public chronology of a case (no private events, no personal data of individuals)",
				ArgsUsage: "ID",
				Flags: concat(letterFlags, []cli.Flag{&cli.StringFlag{Name: "format", Value: "html", Usage: "html or md"},
					&cli.BoolFlag{Name: "public", Usage: "publish a rights request, private by default (its chronology names neither the person nor the request's details)"}}),
				Action: func(ctx context.Context, cmd *cli.Command) error {
					o, err := letterOptions(cmd)
					if err != nil {
						return err
					}
					o.Public = cmd.Bool("public")
					return runner.CasePublish(ctx, o)
				},
			},
			{
				Name:      "verify",
				Usage:     "re-scan the case's sites and record verified-fixed (none of its findings seen) or regressed",
				ArgsUsage: "ID | --all [--every DURATION]",
				Flags: concat([]cli.Flag{
					dbFlag(dbUsage),
					&cli.StringFlag{Name: "author", Usage: "who records the verification"},
					&cli.StringFlag{Name: "lang", Value: "en", Usage: "language of the recorded text: en or fr"},
					&cli.StringFlag{Name: "date", Usage: "`YYYY-MM-DD` recorded for the event (default: the re-scan's start)"},
					&cli.BoolFlag{Name: "all", Usage: "verify every case whose organisation was alerted or that was fixed (regression watch)"},
					&cli.DurationFlag{Name: "every", Usage: "with --all, repeat at this interval until interrupted (scheduled mode)"},
				}, networkFlags(), scopeFlags()),
				Action: func(ctx context.Context, cmd *cli.Command) error {
					var id string
					var err error
					if !cmd.Bool("all") {
						if id, err = oneArg(cmd, "case ID"); err != nil {
							return err
						}
					} else if cmd.Args().Len() > 0 {
						return fmt.Errorf("verify takes a case ID or --all, not both")
					}
					var date time.Time
					if cmd.String("date") != "" {
						if date, err = parseDate(cmd.String("date")); err != nil {
							return err
						}
					}
					fo, err := fetchOptions(cmd)
					if err != nil {
						return err
					}
					maxDepth := cmd.Int("max-depth")
					if maxDepth == 0 {
						maxDepth = -1
					}
					limits, err := retentionLimits(cmd)
					if err != nil {
						return err
					}
					vo := runner.CaseVerifyOptions{ID: id, Author: cmd.String("author"), Date: date, Lang: cmd.String("lang"), Scan: runner.ScanOptions{
						Concurrency: cmd.Int("c"), NoTLSProbe: cmd.Bool("no-tls-probe"), Fetch: fo, DB: cmd.String("db"), Stderr: stderr,
						RetentionLimits: limits,
						Crawl:           crawl.Options{MaxPages: cmd.Int("max-pages"), MaxDepth: maxDepth, Active: cmd.Bool("active")},
					}}
					if cmd.Bool("all") {
						return runner.CaseVerifyAll(ctx, runner.VerifyAllOptions{CaseVerifyOptions: vo, Every: cmd.Duration("every"), Out: stdout})
					}
					c, err := runner.CaseVerify(ctx, vo)
					if err != nil {
						return err
					}
					e := c.Events[len(c.Events)-1]
					fmt.Fprintf(stdout, "%s: %s (%s); state %s\n", c.ID, e.Kind, e.Text, c.State)
					return nil
				},
			},
		},
	}
}

func organisationCommand(stdout io.Writer, more ...*cli.Command) *cli.Command {
	return &cli.Command{
		Name:  "organisation",
		Usage: "import, export or discover the directory of organisations (CSV: name,dpo_email,dpo_address,dpo_form,parent,sector,site_suffixes,site_tags,security_contact)",
		Commands: append([]*cli.Command{
			{
				Name:      "import",
				ArgsUsage: "FILE",
				Usage:     "add or replace organisations from a CSV file",
				Flags:     []cli.Flag{dbFlag(dbUsage)},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					f, err := oneArg(cmd, "CSV file")
					if err != nil {
						return err
					}
					return runner.OrganisationImport(ctx, cmd.String("db"), f, stdout)
				},
			},
			{
				Name:      "export",
				ArgsUsage: "FILE",
				Usage:     "write the directory as CSV to FILE (- for standard output)",
				Flags:     []cli.Flag{dbFlag(dbUsage)},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					if cmd.Args().Len() > 1 {
						return errors.New("export takes at most one file")
					}
					return runner.OrganisationExport(ctx, cmd.String("db"), cmd.Args().First(), stdout)
				},
			},
		}, more...),
	}
}
