package dedup

import (
	"context"
	"fmt"
	"iter"
	"sync"

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
// A failure that ends the run (the index fails, ctx is done) is yielded
// last, with a nil Article; what was yielded before it is complete.
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

// work runs what can run in parallel on a job: the detectors, the
// near-duplicate signature and the index's admission.
func (r *run) work(j *job) {
	j.fs = r.scanner.scan(j.doc, j.md, j.ord)
	if r.nd != nil {
		j.body = r.nd.Prepare(j.md)
	}
	if r.index == nil {
		return
	}
	res, err := r.checkAndAdd(j.doc)
	if err != nil {
		j.err = fmt.Errorf("dedup: index: %s: %w", j.doc.ID, err)
		return
	}
	j.adm = res.Admitted
	if f, ok := indexFinding(j.doc, res); ok {
		j.fs = append(j.fs, f)
	}
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
			if !r.emit(j) {
				return
			}
		}
		return
	}

	// Workers judge articles in parallel; this goroutine takes them in
	// input order. quit stops the reader when the run ends early. An
	// input error travels in order as a job with err set and no doc.
	if r.index != nil {
		workers = max(workers, indexInFlight)
	}
	work := make(chan *job, 4*workers)
	order := make(chan *job, 4*workers)
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
			select {
			case work <- j:
				order <- j
			case <-quit:
				return
			}
		}
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

// checkAndAdd runs the index's admission for doc, or records it as an
// exact copy when its body was decided before in this run.
func (r *run) checkAndAdd(doc *Document) (Result, error) {
	key, sig, of := r.sigs.lookup(r.index, doc)
	if of != "" && !sig.Empty() {
		return r.index.addCopy(r.ctx, doc.ID, sig, of)
	}
	res, err := r.index.checkAndAddSignature(r.ctx, doc.ID, sig)
	if err != nil || sig.Empty() {
		return res, err
	}
	switch {
	case res.Admitted:
		r.sigs.decided(key, doc.ID)
	case res.DupOf != "":
		r.sigs.decided(key, res.DupOf)
	}
	return res, nil
}
