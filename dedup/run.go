package dedup

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/newsdedup/newsdedup/dedup/internal/corpus"
	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
	"github.com/newsdedup/newsdedup/dedup/internal/model"
	"github.com/newsdedup/newsdedup/dedup/internal/neardup"
)

// Run judges a stream of documents as one batch and yields each, with its
// findings, in input order.
//
// With Options.Corpus, Run first ranges over docs to learn the corpus,
// and, when some bodies share paragraphs, once more to keep what off_topic
// needs of them; then once more to judge them. Each range must yield the
// same documents in the same order, as reading the same files again does.
// The errors docs yields (a bad record) are passed on, in place, during
// the first range only; Run goes on with the next document, so a caller
// that wants to stop at the first stops ranging. Ordinals (Article.Ord)
// count the documents, not the errors.
//
// Articles are judged on Options.Workers goroutines. Near-duplicates are
// decided in input order: the first article of a story has none, every
// later one names an earlier one. With Options.Store the index decides
// them instead, and adds the new stories. shared_headline is found only
// by Run.
//
// With a Store, the run claims its articles in the index in input order
// (each claim visible before the next article's query), so that of two
// near-duplicates in one run the earlier in input order is the one
// admitted, whatever Options.Workers is; the decisions then run in
// parallel.
//
// A failure that ends the run (the index fails, ctx is done) is yielded
// last, with a nil Article. Every article the index decided before it
// has been yielded, in input order, also those after the first article
// that failed (which are not): an index decision is never lost with the
// run. The error is an *IndexError when the index failed.
func (p *Pipeline) Run(ctx context.Context, docs iter.Seq2[*Document, error]) iter.Seq2[*Article, error] {
	return func(yield func(*Article, error) bool) {
		r := &run{p: p, ctx: ctx, docs: docs, yield: yield}
		r.run()
	}
}

// run is one Run.
type run struct {
	p     *Pipeline
	ctx   context.Context
	docs  iter.Seq2[*Document, error]
	yield func(*Article, error) bool

	scanner *scanner
	nd      *neardup.Finder
	shared  *neardup.SharedHeadlines
	index   *Index // Options.Store's, when set
	sigs    sigMemo
	stopped bool // the consumer stopped ranging
	// failure is the first index failure of a run, undecided counts the
	// articles it left out, unsettled the claims among them whose
	// decision the index may hold.
	failure   *IndexError
	undecided int
	unsettled []Unsettled
}

// job is one article on its way through the workers.
type job struct {
	ord  int
	doc  *Document
	md   *model.Doc
	fs   []Finding
	body *neardup.Body
	adm  bool  // the index admitted it
	err  error // from the index
	done chan struct{}

	// With an index: the body's memo key, signature and the admitted
	// article of an exact copy decided before (see sigMemo); signed is
	// closed when they are set.
	key    uint64
	sig    minhash.Signature
	of     string
	signed chan struct{}
	claim  claim
}

// indexInFlight is the least number of articles a run with an index keeps
// in flight (with more than one worker): an index in Redis waits on round
// trips, not on the processor.
const indexInFlight = 32

func (r *run) run() {
	o := &r.p.opts
	var c *corpus.Corpus
	scanOnly := newScanner(o, nil, r.p.residue)
	if parts := o.corpusParts(); o.Corpus && parts != 0 {
		var ok bool
		if c, ok = r.corpus(parts); !ok {
			return
		}
	}
	r.scanner = scanOnly
	if c != nil {
		r.scanner = newScanner(o, c, r.p.residue)
	}
	if o.reports(KindNearDuplicate) || o.reports(KindSharedHeadline) {
		var err error
		r.nd, err = neardup.New(&neardup.Options{Threshold: o.Threshold,
			Signature: minhash.Options{NumHashes: o.NumHashes, ShingleSize: o.ShingleSize}})
		if err != nil {
			r.yield(nil, err)
			return
		}
		if o.reports(KindSharedHeadline) {
			r.shared = neardup.NewSharedHeadlines()
		}
	}
	if o.Store != nil && o.reports(KindNearDuplicate) {
		r.index = r.p.index
	}
	r.scan(c == nil)
}

// corpusParts returns what the corpus must count for the kinds reported:
// line recurrence for residue and for the topic detectors (which pass
// over residue), neighbours for headline_mismatch, shared paragraphs for
// off_topic; nothing when none of these is reported.
func (o *Options) corpusParts() corpus.Parts {
	var p corpus.Parts
	mismatch, offTopic := o.reports(KindHeadlineMismatch), o.reports(KindOffTopic)
	if o.reports(KindResidue) || mismatch || offTopic {
		p |= corpus.Lines
	}
	if mismatch {
		p |= corpus.Expansions
	}
	if offTopic {
		p |= corpus.Paragraphs
	}
	return p
}

// corpus counts the parts of the corpus in one or two ranges over the
// documents, yielding the input errors of the first. It returns false
// when the run ends there.
func (r *run) corpus(parts corpus.Parts) (*corpus.Corpus, bool) {
	b := corpus.NewBuilder()
	b.Workers = r.p.opts.Workers
	b.Parts = parts
	if !r.count(b) {
		b.Corpus() // ends the builder's goroutines
		return nil, false
	}
	return b.Corpus(), true
}

// count adds the documents to b, and their content when b needs it.
func (r *run) count(b *corpus.Builder) bool {
	for doc, err := range r.docs {
		if cerr := r.ctx.Err(); cerr != nil {
			r.yield(nil, cerr)
			return false
		}
		if err != nil {
			if !r.yield(nil, err) {
				return false
			}
			continue
		}
		b.Add(doc.model())
	}
	if !b.NeedContent() {
		return true
	}
	ord := 0
	for doc, err := range r.docs {
		if cerr := r.ctx.Err(); cerr != nil {
			r.yield(nil, cerr)
			return false
		}
		if err != nil {
			continue
		}
		if b.Wants(ord) {
			b.AddContent(ord, doc.model())
		}
		ord++
	}
	return true
}

// jobs yields the documents of the scan range, numbered as the corpus
// range numbered them; report says whether it yields the input errors
// (there was no corpus range).
func (r *run) jobs(report bool) iter.Seq2[*job, error] {
	return func(yield func(*job, error) bool) {
		ord := 0
		for doc, err := range r.docs {
			if cerr := r.ctx.Err(); cerr != nil {
				yield(nil, cerr)
				return
			}
			if err != nil {
				if report && !yield(nil, err) {
					return
				}
				continue
			}
			if !yield(&job{ord: ord, doc: doc, md: doc.model()}, nil) {
				return
			}
			ord++
		}
	}
}

// work runs what can run in parallel on a job before the index: the
// detectors, the near-duplicate signatures.
func (r *run) work(j *job) {
	j.fs = r.scanner.scan(j.doc, j.md, j.ord)
	if r.nd != nil {
		j.body = r.nd.Prepare(j.md)
	}
	if r.index != nil {
		j.key, j.sig, j.of = r.sigs.lookup(r.index, j.doc)
	}
}

// claimAll claims the jobs of a batch in the index (steps 1 and 2 of the
// protocol), in one block of claim numbers in input order, concurrently.
// It returns when every claim is answered; a job whose claim failed has
// err set.
func (r *run) claimAll(batch []*job) {
	seq, err := r.index.store.NextSeq(r.ctx, len(batch))
	if err == nil && r.p.opts.OnClaim != nil {
		err = r.p.opts.OnClaim(Unsettled{Seq: seq, N: uint64(len(batch)), Owner: r.index.owner})
	}
	if err != nil {
		for _, j := range batch {
			j.err = r.indexError(j, err)
		}
		return
	}
	var wg sync.WaitGroup
	for i, j := range batch {
		wg.Go(func() {
			of := j.of
			if j.sig.Empty() {
				of = ""
			}
			c, err := r.index.claim(r.ctx, j.doc.ID, j.sig, seq+uint64(i), of)
			if err != nil {
				j.err = r.indexError(j, err)
			}
			j.claim = c
		})
	}
	wg.Wait()
}

// settle decides a claimed job (steps 3 to 5) and adds the index's
// findings.
func (r *run) settle(j *job) {
	if j.err != nil {
		return
	}
	res, err := r.index.settle(r.ctx, j.claim)
	if err != nil {
		j.err = r.indexError(j, err)
		return
	}
	if !j.sig.Empty() {
		switch {
		case res.Admitted:
			r.sigs.decided(j.key, j.claim.id)
		case res.DupOf != "":
			r.sigs.decided(j.key, res.DupOf)
		}
	}
	j.adm = res.Admitted
	j.fs = appendIndexFindings(j.fs, j.doc, res)
}

func (r *run) indexError(j *job, err error) error {
	return &IndexError{ID: j.doc.ID, Source: j.doc.Source, Line: j.doc.Line, Err: err}
}

// emit finishes a job in input order and yields its article. It returns
// false when the run ends.
func (r *run) emit(j *job) bool {
	if j.err != nil {
		r.yield(nil, j.err)
		return false
	}
	a := &Article{Document: j.doc, Ord: j.ord, KeptOrd: -1, Admitted: j.adm}
	// Near-duplicates within the run are decided in input order; with an
	// index the index decides (it has seen the earlier runs too) and the
	// run's own pass only builds the clusters.
	if r.nd != nil {
		if nf := r.nd.ObservePrepared(j.ord, j.md, j.body); r.index == nil {
			j.fs = appendFindings(j.fs, j.doc, nf)
		}
		if ord, id, ok := r.nd.Kept(); ok {
			a.KeptOrd, a.Kept = ord, id
		}
		if r.shared != nil {
			j.fs = appendFindings(j.fs, j.doc, r.shared.Observe(j.md, r.nd))
		}
	}
	a.Findings = r.p.filter(j.fs)
	return r.yield(a, nil)
}

// scan judges the documents, in parallel, yielding them in input order.
func (r *run) scan(report bool) {
	workers := r.p.opts.Workers
	if workers == 1 {
		for j, err := range r.jobs(report) {
			if err != nil {
				if !r.yield(nil, err) {
					return
				}
				continue
			}
			r.work(j)
			if r.index != nil {
				r.claimAll([]*job{j})
				r.settle(j)
				if j.err != nil {
					r.undecidedJob(j)
					r.endFailed()
					return
				}
			}
			if !r.emit(j) {
				return
			}
		}
		return
	}
	if r.index != nil {
		r.scanIndexed(report)
		return
	}

	// Workers judge articles in parallel; this goroutine takes them in
	// input order. quit stops the reader when the run ends early. An
	// input error travels in order as a job with err set and no doc.
	// order holds many more jobs than work: while the article at its
	// head is judged (a long one), the other workers go on with those
	// behind it instead of waiting for room.
	work := make(chan *job, 4*workers)
	order := make(chan *job, 64*workers)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range work {
				r.work(j)
				close(j.done)
			}
		})
	}
	go func() {
		defer close(work)
		r.feed(report, order, quit, func(j *job) bool {
			select {
			case work <- j:
				order <- j
				return true
			case <-quit:
				return false
			}
		})
	}()
	defer wg.Wait()
	defer func() {
		close(quit)
		for range order { // let the reader finish
		}
	}()
	for j := range order {
		<-j.done
		if j.doc == nil { // an input error, or the context's
			if !r.yield(nil, j.err) {
				return
			}
			continue
		}
		if !r.emit(j) {
			return
		}
	}
}

// feed reads the jobs of the scan range: an input error goes to order as
// a finished job without a document; every other job is handed to start,
// which returns false to stop reading. It closes order when done.
func (r *run) feed(report bool, order chan<- *job, quit <-chan struct{}, start func(*job) bool) {
	defer close(order)
	for j, err := range r.jobs(report) {
		if err != nil {
			j = &job{err: err, done: make(chan struct{})}
			close(j.done)
			select {
			case order <- j:
			case <-quit:
				return
			}
			continue
		}
		j.done = make(chan struct{})
		if !start(j) {
			return
		}
	}
}

// sigMemo keeps, for the bodies seen last, the index's signature and,
// once one of its articles was decided, the admitted article it is, or
// duplicates: a crawl's many copies of one page are signed once, and all
// but the first are recorded as copies, without a search. It is safe for
// concurrent use.
type sigMemo struct {
	mu   sync.Mutex
	m    map[uint64]*sigEntry
	fifo []uint64
}

type sigEntry struct {
	sig minhash.Signature
	of  string // the admitted article of this body, once known
}

// sigMemoSize bounds the bodies a sigMemo keeps (about 1 KiB each).
const sigMemoSize = 4096

// lookup returns the memo's entry for doc's body, signing it if needed.
func (m *sigMemo) lookup(ix *Index, doc *Document) (key uint64, sig minhash.Signature, of string) {
	key = doc.model().BodyKey()
	m.mu.Lock()
	e, ok := m.m[key]
	if ok {
		sig, of = e.sig, e.of
	}
	m.mu.Unlock()
	if ok {
		return key, sig, of
	}
	sig = ix.sign(doc)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = make(map[uint64]*sigEntry)
	}
	if _, ok := m.m[key]; !ok {
		if len(m.fifo) == sigMemoSize {
			delete(m.m, m.fifo[0])
			m.fifo = m.fifo[1:]
		}
		m.m[key] = &sigEntry{sig: sig}
		m.fifo = append(m.fifo, key)
	}
	return key, sig, ""
}

// decided records the admitted article of a body.
func (m *sigMemo) decided(key uint64, of string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.m[key]; ok && e.of == "" {
		e.of = of
	}
}

// maxClaimBatch is the most articles claimed in one block.
const maxClaimBatch = 64

// errNotClaimed marks the articles a run with a failed index leaves
// unclaimed.
var errNotClaimed = errors.New("not claimed")

// scanIndexed is scan with an index and several workers. The workers
// judge and sign articles in parallel; one claimer takes them in input
// order and claims them in batches (claimAll), a batch only once the one
// before is answered, so that every claim of the run is visible to the
// queries of the articles after it; settlers decide them in parallel, up
// to indexInFlight at once (a Redis index waits on round trips, not on
// the processor); this goroutine yields them in input order. After an
// index failure nothing more is read or claimed, and the articles
// decided already are still yielded.
func (r *run) scanIndexed(report bool) {
	workers := r.p.opts.Workers
	inflight := max(workers, indexInFlight)
	work := make(chan *job, 4*workers)
	toClaim := make(chan *job, 4*inflight)
	toSettle := make(chan *job, 4*inflight)
	order := make(chan *job, 4*inflight)
	quit := make(chan struct{})
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range work {
				r.work(j)
				close(j.signed)
			}
		})
	}
	for range inflight {
		wg.Go(func() {
			for j := range toSettle {
				r.settle(j)
				if j.err != nil {
					failed.Store(true)
				}
				close(j.done)
			}
		})
	}
	wg.Go(func() {
		defer close(toSettle)
		var batch []*job
		for j := range toClaim {
			batch = append(batch[:0], j)
			open := true
		more:
			for len(batch) < maxClaimBatch {
				select {
				case j2, ok := <-toClaim:
					if !ok {
						open = false
						break more
					}
					batch = append(batch, j2)
				default:
					break more
				}
			}
			for _, j := range batch {
				<-j.signed
			}
			if failed.Load() || r.ctx.Err() != nil {
				for _, j := range batch {
					j.err = errNotClaimed
				}
			} else {
				r.claimAll(batch)
			}
			for _, j := range batch {
				if j.err != nil && j.err != errNotClaimed {
					failed.Store(true)
				}
				toSettle <- j
			}
			if !open {
				return
			}
		}
	})
	go func() {
		defer close(work)
		defer close(toClaim)
		r.feed(report, order, quit, func(j *job) bool {
			if failed.Load() {
				return false
			}
			j.signed = make(chan struct{})
			select {
			case work <- j:
				toClaim <- j
				order <- j
				return true
			case <-quit:
				return false
			}
		})
	}()
	defer wg.Wait()
	defer func() {
		close(quit)
		for j := range order { // let the reader finish
			<-j.done
		}
	}()
	for j := range order {
		<-j.done
		if j.doc == nil { // an input error, or the context's
			if !r.yield(nil, j.err) {
				return
			}
			continue
		}
		if j.err != nil {
			r.undecidedJob(j)
			continue
		}
		if !r.emit(j) {
			return
		}
	}
	r.endFailed()
}

// undecidedJob counts a job the index failed on, keeping the first
// failure and the job's claim when the index may hold its decision: in
// the Index, which settles it when the article comes again, and in the
// run's IndexError, for a later run (Index.Adopt).
func (r *run) undecidedJob(j *job) {
	if ie := (*IndexError)(nil); errors.As(j.err, &ie) && r.failure == nil {
		r.failure = ie
	}
	r.undecided++
	if j.err == errNotClaimed {
		return
	}
	if u, ok := r.index.keep(j.claim); ok {
		r.unsettled = append(r.unsettled, u)
	}
}

// endFailed yields the run's index failure, if any.
func (r *run) endFailed() {
	if r.failure != nil {
		r.failure.Undecided = r.undecided
		r.failure.Unsettled = r.unsettled
		r.yield(nil, r.failure)
	}
}

// IndexError is the error a Run ends with when its index failed: the
// first article the index could not decide, where it came from, and how
// many articles the run left undecided with it (read but not yielded;
// the articles after them were not read).
type IndexError struct {
	ID     string
	Source string
	Line   int
	// Undecided counts the articles read and not yielded, this one
	// included.
	Undecided int
	// Unsettled are the claims among them whose decision the index may
	// hold without the run having heard it (a reply lost with the
	// connection). A later run given them (Pipeline.Adopt) reports those
	// decisions when it meets the articles again, instead of "already in
	// the index".
	Unsettled []Unsettled
	Err       error
}

func (e *IndexError) Error() string {
	where := ""
	if e.Source != "" {
		where = fmt.Sprintf(" (%s:%d)", e.Source, e.Line)
	}
	return fmt.Sprintf("dedup: index: article %q%s: %v", e.ID, where, e.Err)
}

func (e *IndexError) Unwrap() error { return e.Err }
