// Package minhash makes MinHash signatures of article bodies, compares
// them and bands them for locality-sensitive hashing. It is the shared
// ground of the persistent index (package dedup) and the in-run
// near-duplicate finder (package neardup).
//
// Reading the source, in the order a caller meets it:
//
//   - NewSigner makes a Signer; Signer.Sign signs a model.Doc's body,
//     Signer.SignParas a list of paragraphs (signer.go).
//   - Similarity compares two Signatures into a Score: Jaccard, and
//     containment for excerpts; MarshalBinary and UnmarshalBinary are the
//     encoding stores keep, with its version byte (signature.go).
//   - LSHDefaults and OptimalLSH choose a banding (LSHParams);
//     LSHParams.AppendBandKeys gives the keys stores file articles
//     under (lsh.go).
//
// The hash definitions, the estimates and the encoding are written out at
// the top of signer.go, signature.go and lsh.go. Signatures and band keys
// are persisted: none of it changes without a new Version.
//
// Error messages carry the prefix "dedup: ", since they reach callers
// through package dedup.
package minhash
