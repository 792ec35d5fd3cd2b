// Package dedup finds what is wrong with scraped news articles and cleans
// them: a headline printed again in the body (repeated_headline), a body
// that is not about its headline (headline_mismatch), paragraphs spliced in
// from another story (off_topic), scraper residue such as related links,
// share prompts, ads and credits (residue), paragraphs printed twice
// (repeated_paragraph), the same story arriving many times across a crawl
// (near_duplicate, by shingling and MinHash + LSH) and one headline stamped
// over several stories (shared_headline). Every Finding says why, in one
// line.
//
// # Where to start
//
//   - NewDocument makes a Document from a page's id, title and body text;
//     package dedup/read reads them from text files, JSONL (gzipped or
//     not), folders and standard input, naming the file and line of a bad
//     record.
//   - NewPipeline, with Options (start from DefaultOptions, or pass nil),
//     is the one entry point that judges articles. A crawler calls
//     Pipeline.CheckAndAdd per page: every detector, and "is this story
//     new?" against the index, atomically. Pipeline.Check does the same
//     without adding. A batch job calls Pipeline.Run over a stream of
//     documents: it learns the corpus first (word statistics, shared
//     paragraphs, recurring lines), judges articles in parallel and yields
//     them in input order.
//   - Clean removes what the findings flag from a Document and from the
//     record or text file it was read from.
//   - OpenIndex gives the near-duplicate index alone, over a Store:
//     NewMemoryStore, dedup/boltstore (one file) or dedup/redisstore (Redis,
//     shared by many machines). dedup/storetest is the conformance suite
//     every Store passes.
//
// Everything else (word statistics, each detector, signatures and LSH)
// lives under internal/; the README says how each detector decides and
// what it misses.
package dedup
