package scan

import "time"

// batchWriter gathers examined sites into batches for the store: a batch
// is flushed when it holds max sites, when wait has passed since its first
// site arrived, and when the input ends.
type batchWriter struct {
	max   int
	wait  time.Duration
	flush func([]*Result)
}

// run reads in until it is closed, flushing as it goes.
func (w *batchWriter) run(in <-chan *Result) {
	batch := make([]*Result, 0, w.max)
	timer := time.NewTimer(w.wait)
	timer.Stop()
	send := func() {
		timer.Stop()
		if len(batch) == 0 {
			return
		}
		w.flush(batch)
		clear(batch) // the results are released once written
		batch = batch[:0]
	}
	for {
		select {
		case res, ok := <-in:
			if !ok {
				send()
				return
			}
			batch = append(batch, res)
			if len(batch) == 1 {
				timer.Reset(w.wait)
			}
			if len(batch) >= w.max {
				send()
			}
		case <-timer.C:
			send()
		}
	}
}
