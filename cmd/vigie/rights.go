package main

import (
	"context"
	"fmt"
	"io"

	"github.com/urfave/cli/v3"

	"vigie/cases"
	"vigie/runner"
)

// rightsOpenFlags are the flags of `vigie case open --kind rights-request`.
func rightsOpenFlags() []cli.Flag {
	const cat = "Rights request"
	return []cli.Flag{
		&cli.StringFlag{Name: "kind", Category: cat, Usage: "kind of case: findings (default, with --from-scan) or rights-request"},
		&cli.StringFlag{Name: "organisation", Category: cat, Usage: "the controller the request goes to (its DPO contact comes from the directory)"},
		&cli.StringFlag{Name: "right", Category: cat, Usage: "access (GDPR art. 15), erasure (art. 17) or objection (art. 21)"},
		&cli.StringFlag{Name: "subject", Category: cat, Usage: "the data subject, who signs the request: `NAME`"},
		&cli.StringFlag{Name: "contact", Category: cat, Usage: "where the answer should go (email or postal address)"},
		&cli.StringFlag{Name: "about", Category: cat, Usage: "the data or processing concerned, with what lets the controller find them (a file number)"},
		&cli.StringFlag{Name: "reason", Category: cat, Usage: "grounds of an erasure (art. 17(1)) or the particular situation an objection rests on (art. 21(1))"},
		&cli.StringFlag{Name: "date", Category: cat, Usage: "`YYYY-MM-DD` the case is opened (default: today)"},
	}
}

func rightsOpen(ctx context.Context, cmd *cli.Command, stdout io.Writer) error {
	if k := cmd.String("kind"); k != cases.KindRightsRequest {
		return fmt.Errorf("--kind %q: want findings or rights-request", k)
	}
	if cmd.String("from-scan") != "" {
		return fmt.Errorf("a rights request is not opened from a scan: drop --from-scan")
	}
	now, err := parseDate(cmd.String("date"))
	if err != nil {
		return err
	}
	_, err = runner.RightsOpen(ctx, runner.RightsOpenOptions{
		DB: cmd.String("db"), Organisation: cmd.String("organisation"), Now: now, Stdout: stdout,
		Request: cases.Request{Right: cases.Right(cmd.String("right")), Subject: cmd.String("subject"),
			Contact: cmd.String("contact"), About: cmd.String("about"), Reason: cmd.String("reason")},
	})
	return err
}
