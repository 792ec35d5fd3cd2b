// Package server is the HTTP face of a dedup.Pipeline, what "newsdedup
// serve" runs: crawlers in any language post the articles they fetch and
// get back, in one call, what is wrong with each and whether it is a new
// story. The API is described in the repository's openapi.yaml:
//
//	POST /v1/scan           findings (the JSONL contract's records)
//	POST /v1/clean          findings, the record cleaned, the removals
//	POST /v1/check-and-add  findings and atomic admission into the index
//	GET  /healthz           liveness
//	GET  /metrics           Prometheus text format
//
// A request body is one JSON object (one article, with the fields the
// JSONL reader reads) or an array of them; the answer is one object or an
// array in the same order. A body that is not that, or holds a bad
// record, is answered 400 with the message the command line prints for
// such a record ("request:3: missing body: ..."), and nothing in it is
// judged or indexed.
//
// The server is safe for concurrent use. It does not own the pipeline's
// store: closing it is the caller's business, after http.Server.Shutdown.
package server

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/newsdedup/newsdedup/dedup"
	"github.com/newsdedup/newsdedup/dedup/read"
)

// DefaultMaxBodyBytes is the largest request body accepted when
// Config.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 32 << 20

// Config is what a Server serves and how.
type Config struct {
	// Pipeline judges the articles; its index (Options.Store, or its
	// memory index) is the one check-and-add admits into. It should
	// report near_duplicate, or check-and-add cannot name the article a
	// duplicate duplicates.
	Pipeline *dedup.Pipeline
	// Read names the JSON fields of an article (title, body, id), as for
	// the JSONL reader. Format is ignored.
	Read read.Options
	// Report, when set, says which findings answers show (and metrics
	// count); nil shows all. The verdict of check-and-add does not depend
	// on it.
	Report func(dedup.Finding) bool
	// Remove says which findings clean removes paragraphs for; nil means
	// dedup.Clean's default.
	Remove func(dedup.Finding) bool
	// Token, when not empty, is the bearer token every request but
	// GET /healthz must carry ("Authorization: Bearer TOKEN"). It is
	// compared in constant time.
	Token string
	// MaxBodyBytes is the largest request body; 0 means
	// DefaultMaxBodyBytes. A larger one is answered 413.
	MaxBodyBytes int64
	// Logger gets a line per failed request (debug: per request); nil
	// logs nothing.
	Logger *slog.Logger
}

// Server answers the API's requests. Create one with New.
type Server struct {
	cfg     Config
	tokenID [sha256.Size]byte // hash of the token: compared in constant time, whatever its length
	mux     *http.ServeMux
	metrics *metrics
	log     *slog.Logger
	bufs    sync.Pool // *bytes.Buffer for bodies and answers
}

// New returns a server of cfg. It fails without a pipeline.
func New(cfg Config) (*Server, error) {
	if cfg.Pipeline == nil {
		return nil, errors.New("server: no pipeline")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), metrics: newMetrics(), log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if cfg.Token != "" {
		s.tokenID = sha256.Sum256([]byte(cfg.Token))
	}
	s.bufs.New = func() any { return new(bytes.Buffer) }
	s.handle("POST /v1/scan", "scan", s.scan)
	s.handle("POST /v1/clean", "clean", s.clean)
	s.handle("POST /v1/check-and-add", "check-and-add", s.checkAndAdd)
	s.mux.Handle("GET /metrics", s.authorized(s.metrics.handler()))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, []byte(`{"status":"ok"}`+"\n"))
	})
	// Other methods and paths get JSON errors too.
	for path, allow := range map[string]string{"/v1/scan": "POST", "/v1/clean": "POST", "/v1/check-and-add": "POST", "/metrics": "GET", "/healthz": "GET"} {
		s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			s.writeError(w, &apiError{status: http.StatusMethodNotAllowed, msg: fmt.Sprintf("%s %s: use %s", r.Method, path, allow)})
		})
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, &apiError{status: http.StatusNotFound, msg: fmt.Sprintf("no endpoint %s (see openapi.yaml)", r.URL.Path)})
	})
	return s, nil
}

// ServeHTTP routes a request to its endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// apiError is an answer other than 200: its status and message, and
// each bad record of the request.
type apiError struct {
	status int
	msg    string
	errs   []recordError
}

func (e *apiError) Error() string { return e.msg }

// recordError is a bad record of a request, as the answer lists it.
type recordError struct {
	// Item is the record's index in the posted array; nil for a body
	// that is one record, or not an array of records.
	Item *int `json:"item,omitempty"`
	// Line is the line of the body where the record starts.
	Line int `json:"line"`
	// Error is the message the command prints for such a record.
	Error string `json:"error"`
}

// badRequest returns the 400 answer to errs, the errors of the records
// of a request (at least one).
func badRequest(errs []recordError) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: errs[0].Error, errs: errs}
}

// endpoint answers one API request: it returns the value to write as
// JSON, or an *apiError.
type endpoint func(r *http.Request, body []byte) (any, error)

// handle registers endpoint h at pattern, behind the token, the body
// limit and the metrics of name.
func (s *Server) handle(pattern, name string, h endpoint) {
	s.metrics.init(name)
	s.mux.Handle(pattern, s.authorized(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		status := s.serve(w, r, name, h)
		s.metrics.request(name, status, time.Since(start))
	})))
}

// serve reads the body, calls h and writes its answer; it returns the
// status written.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, name string, h endpoint) (status int) {
	defer func() {
		// No input may panic the server; should a bug do it, the client
		// gets a 500 and the log says where.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("newsdedup: serve: panic", "endpoint", name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			status = s.writeError(w, &apiError{status: http.StatusInternalServerError, msg: "internal error"})
		}
	}()
	buf := s.bufs.Get().(*bytes.Buffer)
	defer s.putBuf(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)); err != nil {
		if mb := (*http.MaxBytesError)(nil); errors.As(err, &mb) {
			return s.writeError(w, &apiError{status: http.StatusRequestEntityTooLarge,
				msg: fmt.Sprintf("request body over %d bytes", mb.Limit)})
		}
		return s.writeError(w, &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf("reading the request body: %v", err)})
	}
	v, err := h(r, buf.Bytes())
	if err != nil {
		ae := (*apiError)(nil)
		if !errors.As(err, &ae) {
			ae = &apiError{status: http.StatusInternalServerError, msg: err.Error()}
		}
		if ae.status >= 500 {
			s.log.Warn("newsdedup: serve: request failed", "endpoint", name, "status", ae.status, "error", ae.msg)
		} else {
			s.log.Debug("newsdedup: serve: bad request", "endpoint", name, "status", ae.status, "error", ae.msg)
		}
		return s.writeError(w, ae)
	}
	out := s.bufs.Get().(*bytes.Buffer)
	defer s.putBuf(out)
	out.Reset()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false) // as the command's JSONL
	if err := enc.Encode(v); err != nil {
		return s.writeError(w, &apiError{status: http.StatusInternalServerError, msg: err.Error()})
	}
	s.log.Debug("newsdedup: serve: request", "endpoint", name, "bytes_in", buf.Len(), "bytes_out", out.Len())
	writeJSON(w, http.StatusOK, out.Bytes())
	return http.StatusOK
}

// putBuf returns a buffer to the pool unless it grew huge.
func (s *Server) putBuf(b *bytes.Buffer) {
	if b.Cap() <= 4<<20 {
		s.bufs.Put(b)
	}
}

// writeError writes e as {"error": msg, "errors": [...]} and returns its
// status.
func (s *Server) writeError(w http.ResponseWriter, e *apiError) int {
	body, _ := json.Marshal(struct {
		Error  string        `json:"error"`
		Errors []recordError `json:"errors,omitempty"`
	}{e.msg, e.errs})
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="newsdedup"`)
	}
	writeJSON(w, e.status, append(body, '\n'))
	return e.status
}

// writeJSON writes a JSON answer.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// authorized wraps h with the bearer token check, when there is a token.
func (s *Server) authorized(h http.Handler) http.Handler {
	if s.cfg.Token == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], s.tokenID[:]) != 1 {
			s.metrics.unauthorized.Inc()
			s.writeError(w, &apiError{status: http.StatusUnauthorized, msg: "missing or wrong bearer token (Authorization: Bearer TOKEN)"})
			return
		}
		h.ServeHTTP(w, r)
	})
}
