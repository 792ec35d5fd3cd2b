package dedup

// This file holds the Index: near-duplicate look-up and atomic admission of
// articles over a Store.
//
// # Admission (CheckAndAdd)
//
// CheckAndAdd must admit exactly one of N copies of a story submitted at
// the same moment by writers that share a store (goroutines, processes,
// machines), with no transaction spanning keys (so that it runs on Redis
// Cluster). Each Index is a lease owner of its own. It claims, inserts,
// then queries:
//
//  1. seq, a claim number from Store.NextSeq (an Index reserves them in
//     blocks of 64 for CheckAndAdd; a Run reserves a block for up to 64
//     articles, in input order).
//  2. Store.Insert(Entry{ID, seq, Pending, sig, owner, lease}, band keys),
//     create-only. When the id is taken the store answers with the entry
//     there, and nothing is inserted: with the same body (similarity at
//     least the threshold) the article is that entry, reported Existing
//     once it is decided (waiting while it is Pending); with another body
//     the page changed (or the id was reused), and the article is
//     inserted under its version id ID#vHASH instead, from step 2.
//  3. Store.Candidates(band keys), each verified: its similarity to the
//     article must reach the threshold (Similarity, from the signatures).
//  4. If a verified candidate has a lower seq, the article duplicates the
//     lowest-seq one: SetStatus(Duplicate, it) at once, then follow DupOf
//     (waiting while an entry is Pending) to the admitted article it leads
//     to, and report that one. (The store keeps the link to the lowest-seq
//     candidate: a chain that leads to the admitted article.)
//  5. Otherwise wait until every verified candidate with a higher seq is
//     decided (poll Get with backoff). If one was admitted, the article
//     duplicates it (the lowest-seq such). Else the article is admitted.
//
// SetStatus decides only a Pending entry under its owner's lease, so each
// entry is decided once, by one writer.
//
// Why exactly one copy of a story is admitted (copies pairwise similar;
// similarity is symmetric, so they verify each other). First, one entry
// per id: Insert is create-only, and of concurrent Inserts of an id one
// wins and the others become that entry's readers. Then take two copies A
// and B with seq(A) < seq(B). Either B's query saw A: then B has a
// verified lower candidate and is a duplicate (step 4). Or it did not:
// then A's Insert landed after B's query, hence after B's Insert, and A's
// query, which follows A's Insert, sees B; B's seq being higher, A waits
// for B's decision and is a duplicate if B was admitted (step 5). So no
// two copies are both admitted. And one is: the lowest-seq copy has no
// lower candidate, so it is a duplicate only of an admitted higher copy.
// Waits go from a Pending entry to Pending entries of higher seq (step 5),
// or from an already decided entry downwards (step 4 sets its status
// before it waits), so no cycle of waits, and no deadlock, can form.
//
// Which copy of one run is kept. A Run claims its articles in input order
// in blocks, and starts a block's inserts only once the block before is
// inserted, so the claim numbers of a run follow input order and every
// insert of an earlier article is visible to the query of a later one.
// Then a later article of the run always sees an earlier similar one
// (lower seq) and is its duplicate (step 4): the earliest article in input
// order is the one admitted, whatever Options.Workers is.
//
// # Leases
//
// A writer that dies between Insert and SetStatus leaves a Pending entry.
// Its lease (Entry.Lease, at most 10 s after the insert) tells the others
// how long to wait for it: a writer that meets a Pending entry whose lease
// has expired takes it over (Store.TakeOver, which succeeds for one
// writer) and runs steps 3 to 5 for it, with the entry's own signature,
// band keys and claim number. That is the protocol with a slow writer, so
// the argument above holds. A lease that expires under a writer still at
// work costs only work done twice: its SetStatus then fails
// (ErrLeaseLost) and it reads the decision made for it. A bbolt file has
// one writer at a time, so its store reports every Pending entry of an
// earlier session as expired. Index.Repair decides every expired lease at
// once (newsdedup index repair).
//
// # Unsettled claims
//
// A write whose reply is lost (the connection to Redis dies after Redis
// applied it) leaves the writer not knowing its own decision: the entry
// may be admitted while the writer reported nothing. Such a claim is
// Unsettled (its id, claim number and owner). An Index keeps the claims
// of its own failed CheckAndAdds, and a caller hands it those of another
// run (Adopt: IndexError.Unsettled of a scan that failed). When the
// article comes again and meets the entry of such a claim, it settles it
// once: an entry decided by that claim's owner (a persistent store keeps
// the owner that decided, Entry.Owner) is reported as decided now, not as
// "already in the index", since no one reported it; an entry still
// pending is taken over at once when the owner is this Index (no writer
// of its own is at work on it), after its lease otherwise. An entry that
// another writer decided (it took the lease over, and reported it) is
// "already in the index" as always, so a story is still reported admitted
// once.

import (
	"cmp"
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
)

// Match is an indexed article similar to the one checked.
type Match struct {
	// ID is the indexed article.
	ID string
	// Similarity is the score compared with the threshold (see
	// Similarity); Jaccard and Containment are its parts.
	Similarity, Jaccard, Containment float64
	// Status and DupOf are the indexed article's admission state.
	Status Status
	DupOf  string
	// Seq is the indexed article's claim number.
	Seq uint64
}

// Result is the outcome of CheckAndAdd.
type Result struct {
	// Admitted is true when the article was new and is now the indexed
	// copy of its story.
	Admitted bool
	// DupOf names the admitted article this one duplicates when Admitted
	// is false.
	DupOf string
	// Existing is true when an entry of the same id and body was already
	// in the index; the index is then unchanged and DupOf names the id
	// itself (or, when that entry is a duplicate, the article it
	// duplicates).
	Existing bool
	// Changed is set when the article's id was already in the index with
	// another body (similarity below the threshold): a new version of
	// the page, or an id reused for another story. The old entry is kept,
	// and the article is judged by its content and filed under
	// Changed.FiledAs.
	Changed *ChangedPage
	// Matches are the verified near-duplicates found, most similar first.
	Matches []Match

	// decided is the entry (FiledAs, Seq) this call decided, when it
	// decided one: what Pipeline.Unanswered hands back.
	decided Unsettled
}

// ChangedPage describes an id met again with another body.
type ChangedPage struct {
	// Similarity is that of the new body to the one indexed under the
	// id (below the threshold).
	Similarity float64
	// FiledAs is the id the new body is filed under: the article's id,
	// "#v" and 16 hex digits of the new signature's hash.
	FiledAs string
}

// IndexStats describe an Index and what its store holds.
type IndexStats struct {
	StoreStats
	// Threshold, NumHashes and ShingleSize are the index's options;
	// Bands and Rows its LSH banding (Bands×Rows hash values).
	Threshold   float64
	NumHashes   int
	ShingleSize int
	Bands, Rows int
}

// Index finds near-duplicate articles among those added to its Store. It
// is safe for concurrent use, and several Indexes (in several processes)
// may share one store as long as they use the same options.
type Index struct {
	store       Store
	threshold   float64
	waitTimeout time.Duration
	lease       time.Duration
	ttl         time.Duration
	owner       string
	sigOpts     minhash.Options
	lsh         minhash.LSHParams
	signers     sync.Pool

	mu        sync.Mutex
	unsettled map[string]Unsettled // by FiledAs
	batches   []Unsettled          // adopted batches, by Seq
	settled   map[uint64]bool      // the claims of batches settled
	// tookOver are the entries ix decided for a dead writer while it
	// waited for them on another article's behalf (by id, their claim
	// numbers): no one reported those decisions, so the entry's own
	// article reports it when it comes.
	tookOver map[string]uint64

	// Claim numbers for CheckAndAdd and Add, from a block reserved at
	// once: [seqNext, seqEnd).
	seqMu           sync.Mutex
	seqNext, seqEnd uint64
}

// seqBlock is how many claim numbers an Index reserves at a time for
// CheckAndAdd and Add, as a Run does for a batch: a server on Redis
// then spends a round trip and two commands per 64 articles on them,
// not per article. Claim numbers need only be unique for the admission
// argument to hold; those of one Index still follow its calls' order.
const seqBlock = 64

// nextSeq returns the next claim number of ix's block, reserving a new
// block when it is used up.
func (ix *Index) nextSeq(ctx context.Context) (uint64, error) {
	ix.seqMu.Lock()
	defer ix.seqMu.Unlock()
	if ix.seqNext == ix.seqEnd {
		first, err := ix.store.NextSeq(ctx, seqBlock)
		if err != nil {
			return 0, err
		}
		ix.seqNext, ix.seqEnd = first, first+seqBlock
	}
	ix.seqNext++
	return ix.seqNext - 1, nil
}

// Unsettled is a claim whose decision its writer never heard, or never
// reported: the index may hold the article decided (see the package's
// Unsettled claims). It is one claim (ID and FiledAs set), or, with N
// set, the N claims from Seq of a batch whose articles never reached an
// output (Options.OnClaim), whatever their ids.
type Unsettled struct {
	// ID is the article's id, FiledAs the id of its entry (ID, or a
	// changed page's version id); both empty for a batch.
	ID      string `json:"id,omitempty"`
	FiledAs string `json:"filed_as,omitempty"`
	// Seq is the entry's claim number (a batch's first), Owner the
	// writer that claimed it.
	Seq   uint64 `json:"seq"`
	Owner string `json:"owner"`
	// N is the number of claims of a batch, 0 for one claim.
	N uint64 `json:"n,omitempty"`
}

// maxUnsettled bounds the unsettled claims an Index keeps of its own.
const maxUnsettled = 4096

// Adopt hands ix the claims an earlier writer left unsettled (the
// IndexError.Unsettled of a failed Run): when CheckAndAdd meets the entry
// of one decided by its owner, it reports that decision, once, instead of
// "already in the index".
func (ix *Index) Adopt(us ...Unsettled) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	sortBatches := false
	for _, u := range us {
		switch {
		case u.Owner == "":
		case u.N > 0:
			ix.batches = append(ix.batches, u)
			sortBatches = true
		case u.FiledAs != "":
			if ix.unsettled == nil {
				ix.unsettled = make(map[string]Unsettled)
			}
			ix.unsettled[u.FiledAs] = u
		}
	}
	if sortBatches {
		slices.SortFunc(ix.batches, func(a, b Unsettled) int { return cmp.Compare(a.Seq, b.Seq) })
	}
}

// inBatch reports whether the decided entry e is a claim of an adopted
// batch of its owner's, not settled yet; ix.mu is held.
func (ix *Index) inBatch(e Entry) bool {
	// The batch that may hold e.Seq is the last one starting at or
	// before it (claim numbers are unique in an index: batches never
	// overlap).
	i, _ := slices.BinarySearchFunc(ix.batches, e.Seq+1, func(u Unsettled, seq uint64) int { return cmp.Compare(u.Seq, seq) })
	if i == 0 {
		return false
	}
	u := ix.batches[i-1]
	return e.Seq < u.Seq+u.N && u.Owner == e.Owner && !ix.settled[e.Seq]
}

// keep records a claim of ix's own whose decision failed, so that the
// article's next CheckAndAdd settles it (see Adopt), and returns it as
// Unsettled when it may have written an entry.
func (ix *Index) keep(c claim) (Unsettled, bool) {
	u, ok := c.unsettled(ix.owner)
	if ok {
		ix.mu.Lock()
		ix.unsettled = boundedPut(ix.unsettled, u.FiledAs, u)
		ix.mu.Unlock()
	}
	return u, ok
}

// boundedPut sets m[k] = v, making m when nil and, at maxUnsettled keys,
// dropping one first (any: the bound is a backstop against a store that
// fails for ever), and returns m.
func boundedPut[K comparable, V any](m map[K]V, k K, v V) map[K]V {
	if m == nil {
		m = make(map[K]V)
	}
	if len(m) >= maxUnsettled {
		for old := range m {
			delete(m, old)
			break
		}
	}
	m[k] = v
	return m
}

// settles reports whether e is the entry of an unsettled claim that ix
// holds, or one it decided for a dead writer without reporting it, and
// if so forgets it: the caller settles it, once. A decided entry settles
// when the claim's owner decided it (a store that keeps no decider has
// ix's own take-overs only: the lease fenced them); a pending one when
// that owner is ix itself.
func (ix *Index) settles(e Entry) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	decided := e.Status != StatusPending
	if seq, ok := ix.tookOver[e.ID]; ok && seq == e.Seq && decided && (e.Owner == ix.owner || e.Owner == "") {
		delete(ix.tookOver, e.ID)
		return true
	}
	if e.Owner == "" {
		return false
	}
	switch u, ok := ix.unsettled[e.ID]; {
	case ok && u.Seq == e.Seq && u.Owner == e.Owner && (decided || e.Owner == ix.owner):
		delete(ix.unsettled, e.ID)
	case decided && ix.inBatch(e):
	default:
		return false
	}
	if len(ix.batches) > 0 {
		if ix.settled == nil {
			ix.settled = make(map[uint64]bool)
		}
		ix.settled[e.Seq] = true // whether adopted alone or in its batch
	}
	return true
}

// OpenIndex returns an Index over store with the near-duplicate settings
// of opts (Threshold, NumHashes, ShingleSize, WaitTimeout, TTL; nil means
// DefaultOptions). The Index does not own the store: closing it is the
// caller's business. Each Index is an owner of its own for the leases of
// the admission protocol.
func OpenIndex(store Store, opts *Options) (*Index, error) {
	if store == nil {
		return nil, errors.New("dedup: OpenIndex needs a store")
	}
	o := DefaultOptions()
	if opts != nil {
		o = *opts
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	ix := &Index{store: store, threshold: o.Threshold, waitTimeout: o.WaitTimeout, ttl: max(o.TTL, 0),
		owner:   newOwner(),
		sigOpts: minhash.Options{NumHashes: o.NumHashes, ShingleSize: o.ShingleSize}}
	if ix.waitTimeout <= 0 {
		ix.waitTimeout = DefaultOptions().WaitTimeout
	}
	// A lease that expires under a writer still at work costs only work
	// done twice (the decision is fenced by the owner), so it is short:
	// a writer that died holds up the others for seconds, not minutes.
	ix.lease = min(maxLease, 2*ix.waitTimeout)
	var err error
	if ix.lsh, err = lshFor(o.Threshold, o.NumHashes); err != nil {
		return nil, err
	}
	ix.signers.New = func() any {
		s, _ := minhash.NewSigner(&ix.sigOpts) // validated by check
		return s
	}
	ctx, cancel := context.WithTimeout(context.Background(), openCheckTimeout)
	defer cancel()
	if err := checkSignatureVersion(ctx, store); err != nil {
		return nil, err
	}
	return ix, nil
}

// openCheckTimeout bounds the look at the entries that OpenIndex takes.
const openCheckTimeout = 30 * time.Second

// errStopScan ends a Store.Scan early.
var errStopScan = errors.New("dedup: scan stopped")

// checkSignatureVersion refuses a store whose entries were signed with
// another signature version than this build's (minhash.Version): their
// band keys come from other minima, so an article would never meet its
// story's old entries, and their similarities mean nothing next to the
// new ones. An index is written by one version throughout, so the first
// entry whose signature carries a version tells. An entry too short to
// carry one (damaged, or not written by an Index) says nothing about the
// others and is passed over; if no entry among the first
// openCheckEntries tells, the index opens.
func checkSignatureVersion(ctx context.Context, store Store) error {
	var bad error
	seen := 0
	err := store.Scan(ctx, func(e Entry) error {
		seen++
		if v, ok := minhash.SignatureVersion(e.Sig); ok {
			if v != minhash.Version {
				var s minhash.Signature
				bad = fmt.Errorf("%w: entry %q: %w", ErrIncompatible, e.ID, s.UnmarshalBinary(e.Sig))
			}
			return errStopScan
		}
		if seen >= openCheckEntries {
			return errStopScan
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStopScan) {
		return fmt.Errorf("dedup: opening the index: %w", err)
	}
	return bad
}

// openCheckEntries bounds the entries checkSignatureVersion looks at.
const openCheckEntries = 64

// maxLease is the longest lease an Index takes on a pending entry.
const maxLease = 10 * time.Second

// newOwner returns a lease owner name unique to this Index: host, process
// and 64 random bits.
func newOwner() string {
	host, _ := os.Hostname()
	var b [8]byte
	_, _ = crand.Read(b[:])
	return fmt.Sprintf("%s/%d/%x", host, os.Getpid(), b)
}

// lshFor returns the banding of the index and of a run's near-duplicates
// at similarity threshold t with k hash values: tuned for
// minhash.CandidateJaccard(t), at most minhash.DefaultMaxBands bands, both
// error areas weighed alike.
func lshFor(t float64, k int) (minhash.LSHParams, error) {
	lt, bands := 0.0, 0
	wfp, wfn := 0.0, 0.0
	return minhash.LSHDefaults(&t, &lt, &bands, &wfp, &wfn, k)
}

// sign returns the signature of doc as the index makes it.
func (ix *Index) sign(doc *Document) minhash.Signature {
	s := ix.signers.Get().(*minhash.Signer)
	sig := s.Sign(doc.model())
	ix.signers.Put(s)
	return sig
}

// Check returns the indexed articles that are near-duplicates of doc,
// most similar first, without changing the index. An entry with doc's id
// is not a match of itself.
func (ix *Index) Check(ctx context.Context, doc *Document) ([]Match, error) {
	return ix.checkSignature(ctx, doc.ID, ix.sign(doc))
}

// checkSignature is Check for an article whose signature is known.
func (ix *Index) checkSignature(ctx context.Context, id string, sig minhash.Signature) ([]Match, error) {
	keys := ix.lsh.AppendBandKeys(nil, sig)
	if len(keys) == 0 {
		return nil, nil
	}
	cands, err := ix.store.Candidates(ctx, keys)
	if err != nil {
		return nil, err
	}
	return ix.verify(id, sig, cands)
}

// verify keeps the candidates similar enough to sig, most similar first
// (ties by seq).
func (ix *Index) verify(id string, sig minhash.Signature, cands []Entry) ([]Match, error) {
	var ms []Match
	var other minhash.Signature
	for _, e := range cands {
		if e.ID == id {
			continue
		}
		if err := other.UnmarshalBinary(e.Sig); err != nil {
			return nil, fmt.Errorf("dedup: entry %q: %w", e.ID, err)
		}
		if !sig.Compatible(other) {
			return nil, fmt.Errorf("%w: entry %q has k=%d, shingle size %d; index k=%d, shingle size %d",
				ErrIncompatible, e.ID, other.NumHashes(), other.ShingleSize(), sig.NumHashes(), sig.ShingleSize())
		}
		s := minhash.Similarity(sig, other)
		if s.Score < ix.threshold {
			continue
		}
		ms = append(ms, Match{ID: e.ID, Similarity: s.Score, Jaccard: s.Jaccard, Containment: s.Containment,
			Status: e.Status, DupOf: e.DupOf, Seq: e.Seq})
	}
	slices.SortFunc(ms, func(a, b Match) int {
		if c := cmp.Compare(b.Similarity, a.Similarity); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return ms, nil
}

// Add files doc in the index as admitted, whatever it resembles. Use
// CheckAndAdd to admit only new stories. An entry of the same id is
// replaced (removed, then inserted: not atomic with a concurrent Add of
// the same id).
func (ix *Index) Add(ctx context.Context, doc *Document) error {
	if doc.ID == "" {
		return errors.New("dedup: Add needs an article id")
	}
	sig := ix.sign(doc)
	seq, err := ix.nextSeq(ctx)
	if err != nil {
		return err
	}
	e := ix.newEntry(doc.ID, seq, sig, StatusAdmitted)
	keys := ix.lsh.AppendBandKeys(nil, sig)
	for range 3 {
		_, ok, err := ix.store.Insert(ctx, e, keys)
		if err != nil || ok {
			return err
		}
		if err := ix.store.Remove(ctx, doc.ID); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return fmt.Errorf("dedup: Add %q: the id keeps being inserted by another writer", doc.ID)
}

// Remove deletes the article id from the index; it returns ErrNotFound
// when there is none.
func (ix *Index) Remove(ctx context.Context, id string) error {
	return ix.store.Remove(ctx, id)
}

// Stats counts what the index holds.
func (ix *Index) Stats(ctx context.Context) (IndexStats, error) {
	st, err := ix.store.Stats(ctx)
	if err != nil {
		return IndexStats{}, err
	}
	return IndexStats{StoreStats: st, Threshold: ix.threshold, NumHashes: ix.sigOpts.NumHashes,
		ShingleSize: ix.sigOpts.ShingleSize, Bands: ix.lsh.Bands, Rows: ix.lsh.Rows}, nil
}

// CheckAndAdd checks doc against the index and adds it, atomically with
// respect to every other CheckAndAdd on the same store: of copies of one
// story submitted concurrently exactly one is admitted, and every other
// is told, in Result.DupOf, the admitted article it duplicates (see the
// protocol in the file comment). An article whose id and body are
// already indexed is reported Existing and not added again; one whose id
// is indexed with another body is reported Changed and judged as a new
// article.
func (ix *Index) CheckAndAdd(ctx context.Context, doc *Document) (Result, error) {
	if doc.ID == "" {
		return Result{}, errors.New("dedup: CheckAndAdd needs an article id")
	}
	return ix.checkAndAddSignature(ctx, doc.ID, ix.sign(doc))
}

// checkAndAddSignature is CheckAndAdd for an article whose signature is
// known.
func (ix *Index) checkAndAddSignature(ctx context.Context, id string, sig minhash.Signature) (Result, error) {
	seq, err := ix.nextSeq(ctx)
	if err != nil {
		return Result{}, err
	}
	c, err := ix.claim(ctx, id, sig, seq, "")
	var res Result
	if err == nil {
		res, err = ix.settle(ctx, c)
	}
	if err != nil {
		ix.keep(c)
		return Result{}, err
	}
	if u, ok := c.unsettled(ix.owner); ok && !res.Existing {
		res.decided = u
	}
	return res, nil
}

// unanswered records that the decision of CheckAndAdd's result r never
// reached its caller: the article's next CheckAndAdd reports it, once, as
// it does a decision taken over for a dead writer (see tookOver).
func (ix *Index) unanswered(r Result) {
	if u := r.decided; u.Seq != 0 {
		ix.tookDecision(Entry{ID: u.FiledAs, Seq: u.Seq})
	}
}

// newEntry is the entry of a new article of ix's: pending under ix's
// lease, or decided by ix.
func (ix *Index) newEntry(id string, seq uint64, sig minhash.Signature, st Status) Entry {
	now := time.Now()
	enc, _ := sig.MarshalBinary()
	e := Entry{ID: id, Seq: seq, Status: st, Sig: enc, Added: now, Owner: ix.owner}
	if st == StatusPending {
		e.Lease = now.Add(ix.lease)
	}
	if ix.ttl > 0 {
		e.Expires = now.Add(ix.ttl)
	}
	return e
}

// A claim is an article inserted in the index (steps 1 and 2 of the
// protocol), or the entry found under its id.
type claim struct {
	article  string // the article's id
	id       string // the id filed under: the article's, or FiledAs of a changed page
	sig      minhash.Signature
	keys     []uint64
	seq      uint64
	inserted bool         // our pending entry is in (or our copy, with copyOf)
	found    Entry        // when not inserted: the entry of id, with the same body
	changed  *ChangedPage // the article's id had another body
	copyOf   string       // filed as an exact copy of this admitted article
}

// unsettled is the claim c as an Unsettled claim of owner, when c may
// have written an entry of owner's: its insert, or, for the entry found
// under its id, a decision owner took over.
func (c claim) unsettled(owner string) (Unsettled, bool) {
	u := Unsettled{ID: c.article, FiledAs: c.id, Seq: c.seq, Owner: owner}
	if c.found.ID != "" {
		u.FiledAs, u.Seq = c.found.ID, c.found.Seq
	}
	return u, u.Seq != 0 && u.FiledAs != ""
}

// claim inserts the article id with signature sig and claim number seq:
// pending under ix's lease, or, when copyOf is set, decided as a
// duplicate of it without band keys (see addCopy). When the id is taken
// by an entry of the same body it returns that entry; when taken by
// another body, it files the article under its version id instead.
func (ix *Index) claim(ctx context.Context, id string, sig minhash.Signature, seq uint64, copyOf string) (claim, error) {
	c := claim{article: id, id: id, sig: sig, seq: seq, copyOf: copyOf}
	if copyOf == "" {
		c.keys = ix.lsh.AppendBandKeys(nil, sig)
	}
	for {
		e := ix.newEntry(c.id, seq, sig, StatusPending)
		if copyOf != "" {
			e = ix.newEntry(c.id, seq, sig, StatusDuplicate)
			e.DupOf = copyOf
		}
		old, ok, err := ix.store.Insert(ctx, e, c.keys)
		if err != nil {
			return c, err
		}
		if ok {
			c.inserted = true
			return c, nil
		}
		same, sim, err := ix.sameBody(sig, old)
		if err != nil {
			return c, err
		}
		if same {
			c.found = old
			return c, nil
		}
		if c.changed != nil {
			return c, fmt.Errorf("dedup: %q: version id %q holds another body too", id, c.id)
		}
		c.changed = &ChangedPage{Similarity: sim, FiledAs: versionID(id, e.Sig)}
		c.id = c.changed.FiledAs
	}
}

// versionID is the id a changed page is filed under.
func versionID(id string, sig []byte) string {
	return id + "#v" + fmt.Sprintf("%016x", xxhash.Sum64(sig))
}

// sameBody reports whether the entry e holds the body of sig (or one so
// little changed that it reaches the threshold), with the similarity.
func (ix *Index) sameBody(sig minhash.Signature, e Entry) (bool, float64, error) {
	var other minhash.Signature
	if err := other.UnmarshalBinary(e.Sig); err != nil {
		return false, 0, fmt.Errorf("dedup: entry %q: %w", e.ID, err)
	}
	if sig.Empty() || other.Empty() {
		return sig.Empty() == other.Empty(), 0, nil
	}
	if !sig.Compatible(other) {
		return false, 0, fmt.Errorf("%w: entry %q has k=%d, shingle size %d; index k=%d, shingle size %d",
			ErrIncompatible, e.ID, other.NumHashes(), other.ShingleSize(), sig.NumHashes(), sig.ShingleSize())
	}
	s := minhash.Similarity(sig, other).Score
	return s >= ix.threshold, s, nil
}

// settle decides a claimed article (steps 3 to 5), or reports the entry
// found under its id.
func (ix *Index) settle(ctx context.Context, c claim) (Result, error) {
	var res Result
	var err error
	switch {
	case c.inserted && c.copyOf != "":
		res = Result{DupOf: c.copyOf, Matches: []Match{{ID: c.copyOf, Similarity: 1, Jaccard: 1, Containment: 1, Status: StatusAdmitted}}}
	case c.inserted:
		res, err = ix.decide(ctx, c.id, c.sig, c.seq, c.keys, 0)
	default:
		res, err = ix.found(ctx, c.found, c.sig)
	}
	res.Changed = c.changed
	return res, err
}

// found reports the entry e met under an article's id with the same body
// (signature sig): Existing once it is decided. A pending entry is waited
// for; when its lease expired, ix takes the decision over and reports it
// as its own. The entry of an unsettled claim is settled (see the
// package's Unsettled claims).
func (ix *Index) found(ctx context.Context, e Entry, sig minhash.Signature) (Result, error) {
	if e.Status == StatusPending && ix.settles(e) {
		r, ok, err := ix.resume(ctx, e)
		if err != nil || ok {
			return r, err
		}
		if e, err = ix.store.Get(ctx, e.ID); err != nil {
			return Result{}, err
		}
	}
	if e.Status == StatusPending {
		var took bool
		var r Result
		var err error
		e, took, r, err = ix.wait(ctx, e.ID, 0, true)
		if err != nil {
			return Result{}, err
		}
		if took {
			if !r.Admitted && r.DupOf != "" {
				root, err := ix.resolve(ctx, r.DupOf, 0)
				if err != nil {
					return Result{}, err
				}
				r.DupOf = root
			}
			return r, nil
		}
	}
	if ix.settles(e) {
		return ix.adopted(ctx, e, sig)
	}
	r := Result{Existing: true, DupOf: e.ID}
	if e.Status == StatusDuplicate && e.DupOf != "" {
		root, err := ix.resolve(ctx, e.DupOf, 0)
		if err != nil {
			return Result{}, err
		}
		r.DupOf = root
	}
	return r, nil
}

// tookDecision records that ix decided the entry e for a dead writer.
// Its article reports the decision: at once when it is the one that
// waited (found forgets the record), else when it comes.
func (ix *Index) tookDecision(e Entry) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.tookOver = boundedPut(ix.tookOver, e.ID, e.Seq)
}

// resume decides the pending entry e of ix's own unsettled claim: no
// writer of ix is at work on it, so ix takes it over from itself at once.
// ok is false when the entry is no longer pending under ix.
func (ix *Index) resume(ctx context.Context, e Entry) (r Result, ok bool, err error) {
	err = ix.store.TakeOver(ctx, e.ID, ix.owner, ix.owner, time.Now().Add(ix.lease))
	if errors.Is(err, ErrLeaseLost) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, err
	}
	if e, err = ix.store.Get(ctx, e.ID); err != nil { // with its band keys
		return Result{}, false, err
	}
	if r, err = ix.decideFor(ctx, e, 1); err != nil {
		return Result{}, false, err
	}
	if !r.Admitted && r.DupOf != "" {
		if r.DupOf, err = ix.resolve(ctx, r.DupOf, 0); err != nil {
			return Result{}, false, err
		}
	}
	return r, true, nil
}

// adopted is the Result of the article whose unsettled claim's owner
// decided its entry e: the decision, as if just made, with the
// similarity to the article it duplicates (sig is the article's
// signature).
func (ix *Index) adopted(ctx context.Context, e Entry, sig minhash.Signature) (Result, error) {
	if e.Status == StatusAdmitted {
		return Result{Admitted: true}, nil
	}
	var r Result
	if e.DupOf == "" {
		return r, nil
	}
	of, err := ix.store.Get(ctx, e.DupOf)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Result{}, err
	}
	var other minhash.Signature
	if err == nil && other.UnmarshalBinary(of.Sig) == nil && sig.Compatible(other) {
		s := minhash.Similarity(sig, other)
		r.Matches = []Match{{ID: of.ID, Similarity: s.Score, Jaccard: s.Jaccard, Containment: s.Containment,
			Status: of.Status, DupOf: of.DupOf, Seq: of.Seq}}
	}
	if r.DupOf, err = ix.resolve(ctx, e.DupOf, 0); err != nil {
		return Result{}, err
	}
	return r, nil
}

// maxTakeOver bounds how many expired leases one decision takes over in
// a chain.
const maxTakeOver = 8

// decide runs steps 3 to 5 for the pending entry id (claim number seq,
// signature sig, band keys keys) that ix holds. depth counts the
// take-overs that led here.
func (ix *Index) decide(ctx context.Context, id string, sig minhash.Signature, seq uint64, keys []uint64, depth int) (Result, error) {
	var ms []Match
	if len(keys) > 0 {
		cands, err := ix.store.Candidates(ctx, keys)
		if err != nil {
			return Result{}, err
		}
		if ms, err = ix.verify(id, sig, cands); err != nil {
			return Result{}, err
		}
	}
	res := Result{Matches: ms}
	set := func(st Status, dupOf string) (Result, error) {
		err := ix.store.SetStatus(ctx, id, ix.owner, st, dupOf)
		if errors.Is(err, ErrLeaseLost) {
			// Another writer took our lease over (it expired while we
			// worked): its decision stands.
			e, _, r, err := ix.wait(ctx, id, depth, true)
			if err != nil {
				return Result{}, err
			}
			if r.Admitted || r.DupOf != "" {
				return r, nil
			}
			return ix.decided(ctx, e, ms)
		}
		if err != nil {
			return Result{}, err
		}
		if st == StatusAdmitted {
			res.Admitted = true
		}
		return res, nil
	}

	// Step 4: a lower-seq near-duplicate decides it.
	var lowest *Match
	for i := range ms {
		if ms[i].Seq < seq && (lowest == nil || ms[i].Seq < lowest.Seq) {
			lowest = &ms[i]
		}
	}
	if lowest != nil {
		r, err := set(StatusDuplicate, lowest.ID)
		if err != nil || r.Admitted || (r.DupOf != "" && r.DupOf != lowest.ID) {
			return r, err
		}
		if depth > 0 {
			// Deciding for a dead writer (see wait): its status is what
			// the waiter needs. Resolving the chain here could wait for
			// the very entry whose decision waits for this one.
			res.DupOf = lowest.ID
			return res, nil
		}
		root, err := ix.resolve(ctx, lowest.ID, depth)
		if err != nil {
			return Result{}, err
		}
		res.DupOf = root
		return res, nil
	}

	// Step 5: wait for the higher-seq ones still pending.
	higher := make([]Match, 0, len(ms))
	for _, m := range ms {
		if m.Seq > seq {
			higher = append(higher, m)
		}
	}
	slices.SortFunc(higher, func(a, b Match) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, m := range higher {
		st := m.Status
		if st == StatusPending {
			e, _, _, err := ix.wait(ctx, m.ID, depth, false)
			if errors.Is(err, ErrNotFound) {
				continue // removed meanwhile
			}
			if err != nil {
				return Result{}, err
			}
			st = e.Status
		}
		if st == StatusAdmitted {
			r, err := set(StatusDuplicate, m.ID)
			if err == nil && !r.Admitted && r.DupOf == "" {
				r.DupOf = m.ID
			}
			return r, err
		}
	}
	return set(StatusAdmitted, "")
}

// decided is the Result of an article whose entry e another writer
// decided for it.
func (ix *Index) decided(ctx context.Context, e Entry, ms []Match) (Result, error) {
	r := Result{Matches: ms}
	switch e.Status {
	case StatusAdmitted:
		r.Admitted = true
	case StatusDuplicate:
		root, err := ix.resolve(ctx, e.DupOf, 0)
		if err != nil {
			return Result{}, err
		}
		r.DupOf = root
	}
	return r, nil
}

// addCopy records id as a duplicate of the article of, when the caller
// knows that id's body is an exact copy of a body already decided
// (admitted as of, or found a duplicate of of): a crawl fetches one page
// under many urls. It skips the admission protocol, since an exact copy
// has nothing to decide, and files no band keys, since every article
// similar to the copy is as similar to of, which is filed: the store
// keeps the entry only, so that a later run finds the copy by its id.
// When id is already indexed, addCopy changes nothing and reports
// existing, with the article it duplicates (or id itself when admitted).
func (ix *Index) addCopy(ctx context.Context, id string, sig minhash.Signature, of string) (res Result, err error) {
	if id == "" {
		return Result{}, errors.New("dedup: addCopy needs an article id")
	}
	c, err := ix.claim(ctx, id, sig, 0, of)
	if err != nil {
		return Result{}, err
	}
	return ix.settle(ctx, c)
}

// maxDupChain bounds how many DupOf links resolve follows.
const maxDupChain = 64

// resolve follows DupOf links from id to the admitted article they lead
// to, waiting for pending entries. When the chain breaks (an entry was
// removed) it returns the last article it reached.
func (ix *Index) resolve(ctx context.Context, id string, depth int) (string, error) {
	for range maxDupChain {
		e, _, _, err := ix.wait(ctx, id, depth, false)
		if errors.Is(err, ErrNotFound) {
			return id, nil
		}
		if err != nil {
			return "", err
		}
		if e.Status != StatusDuplicate || e.DupOf == "" || e.DupOf == id {
			return id, nil
		}
		id = e.DupOf
	}
	return id, nil
}

// wait polls the entry id until it is no longer pending, backing off from
// 1ms to 50ms. When its lease has expired, ix takes the decision over
// (TakeOver, then steps 3 to 5 with the entry's own claim number and
// signature) and took is true, with the Result of that decision; unless
// reports says that the caller reports it (it is the entry's own
// article), the decision is kept for the entry's article to report when
// it comes (see tookOver). It gives up after the lease time and
// WaitTimeout (ErrWaitTimeout).
func (ix *Index) wait(ctx context.Context, id string, depth int, reports bool) (e Entry, took bool, r Result, err error) {
	deadline := time.Now().Add(ix.lease + ix.waitTimeout)
	delay := time.Millisecond
	for {
		e, err := ix.store.Get(ctx, id)
		if err != nil {
			return Entry{}, false, Result{}, err
		}
		if e.Status != StatusPending {
			return e, false, Result{}, nil
		}
		if e.Owner != ix.owner && time.Now().After(e.Lease) && depth < maxTakeOver {
			err := ix.store.TakeOver(ctx, id, e.Owner, ix.owner, time.Now().Add(ix.lease))
			switch {
			case err == nil:
				if !reports {
					// Before the decision: the entry's own article may be
					// waiting for it, and must find the record once it
					// sees the entry decided.
					ix.tookDecision(e)
				}
				r, err := ix.decideFor(ctx, e, depth+1)
				if err != nil {
					return Entry{}, false, Result{}, err
				}
				e, err = ix.store.Get(ctx, id)
				return e, true, r, err
			case errors.Is(err, ErrLeaseLost):
				continue // someone else took it or decided it: look again
			default:
				return Entry{}, false, Result{}, err
			}
		}
		if time.Now().After(deadline) {
			return Entry{}, false, Result{}, fmt.Errorf("%w: %q (held by %s)", ErrWaitTimeout, id, e.Owner)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return Entry{}, false, Result{}, ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, 50*time.Millisecond)
	}
}

// decideFor decides the pending entry e, whose lease ix has taken over,
// from its own signature and claim number.
func (ix *Index) decideFor(ctx context.Context, e Entry, depth int) (Result, error) {
	var sig minhash.Signature
	if err := sig.UnmarshalBinary(e.Sig); err != nil {
		return Result{}, fmt.Errorf("dedup: entry %q: %w", e.ID, err)
	}
	// A stored signature keeps no minima, so the band keys come from the
	// store.
	return ix.decide(ctx, e.ID, sig, e.Seq, e.Bands, depth)
}

// Repair decides the pending entries whose lease has expired (their
// writer died before deciding them), as a later writer of a similar
// article would: it takes each lease over and runs the admission with the
// entry's own signature and claim number, in claim order. It returns how
// many entries it decided. Entries under a live lease are left to their
// writer.
func (ix *Index) Repair(ctx context.Context) (int, error) {
	var orphans []Entry
	now := time.Now()
	err := ix.store.Scan(ctx, func(e Entry) error {
		if e.Status == StatusPending && now.After(e.Lease) {
			orphans = append(orphans, e)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	slices.SortFunc(orphans, func(a, b Entry) int { return cmp.Compare(a.Seq, b.Seq) })
	n := 0
	for _, e := range orphans {
		e, err := ix.store.Get(ctx, e.ID) // with its band keys
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		if e.Status != StatusPending {
			continue
		}
		err = ix.store.TakeOver(ctx, e.ID, e.Owner, ix.owner, time.Now().Add(ix.lease))
		if errors.Is(err, ErrLeaseLost) || errors.Is(err, ErrNotFound) {
			continue // decided or taken meanwhile
		}
		if err != nil {
			return n, err
		}
		if _, err := ix.decideFor(ctx, e, 1); err != nil {
			return n, fmt.Errorf("dedup: repair %q: %w", e.ID, err)
		}
		n++
	}
	return n, nil
}
