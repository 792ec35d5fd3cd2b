package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/newsdedup/newsdedup/dedup"
)

// metrics are what GET /metrics shows, in a registry of the server's own
// (two servers in one process do not share counters).
type metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec   // endpoint, code
	latency      *prometheus.HistogramVec // endpoint
	articles     *prometheus.CounterVec   // endpoint
	admitted     prometheus.Counter
	duplicates   prometheus.Counter
	findings     *prometheus.CounterVec // kind
	indexErrors  prometheus.Counter
	unauthorized prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsdedup_http_requests_total",
			Help: "API requests answered, by endpoint and HTTP status code.",
		}, []string{"endpoint", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "newsdedup_http_request_duration_seconds",
			Help:    "Time to answer an API request, body read to answer written, by endpoint.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"endpoint"}),
		articles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsdedup_articles_total",
			Help: "Articles judged, by endpoint.",
		}, []string{"endpoint"}),
		admitted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsdedup_articles_admitted_total",
			Help: "Articles check-and-add admitted into the index as new stories.",
		}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsdedup_articles_duplicate_total",
			Help: "Articles check-and-add found to duplicate an indexed one (or already indexed).",
		}),
		findings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsdedup_findings_total",
			Help: "Findings reported in answers, by kind.",
		}, []string{"kind"}),
		indexErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsdedup_index_errors_total",
			Help: "Requests failed by the index (its store unreachable, a wait timed out).",
		}),
		unauthorized: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsdedup_http_unauthorized_total",
			Help: "Requests refused for a missing or wrong bearer token.",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.articles, m.admitted, m.duplicates,
		m.findings, m.indexErrors, m.unauthorized,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, k := range dedup.Kinds() {
		m.findings.WithLabelValues(string(k))
	}
	return m
}

// init makes the series of an endpoint exist before its first request.
func (m *metrics) init(endpoint string) {
	m.latency.WithLabelValues(endpoint)
	m.articles.WithLabelValues(endpoint)
	m.requests.WithLabelValues(endpoint, "200")
}

// request counts one answered request.
func (m *metrics) request(endpoint string, status int, d time.Duration) {
	m.requests.WithLabelValues(endpoint, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(endpoint).Observe(d.Seconds())
}

// judged counts the articles of an answer and their findings.
func (m *metrics) judged(endpoint string, as []*dedup.Article) {
	m.articles.WithLabelValues(endpoint).Add(float64(len(as)))
	for _, a := range as {
		for _, f := range a.Findings {
			m.findings.WithLabelValues(string(f.Kind)).Inc()
		}
	}
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
