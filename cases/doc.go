// Package cases carries the action that follows findings: the directory of
// organisations (data controllers and their DPO contacts), cases grouping an
// organisation's findings, the timeline of events that moves a case through
// its states, and the follow-up deadlines. It holds no SQL; Store is
// implemented by the store back ends.
package cases
