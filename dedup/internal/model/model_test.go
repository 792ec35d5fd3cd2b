package model

import "testing"

func TestBodyKey(t *testing.T) {
	tests := []struct {
		name string
		a, b Doc
		same bool
	}{
		{"titles and ids do not count", Doc{ID: "a", Title: "x", Paras: []string{"p", "q"}}, Doc{ID: "b", Title: "y", Paras: []string{"p", "q"}}, true},
		{"paragraph boundaries count", Doc{Paras: []string{"pq"}}, Doc{Paras: []string{"p", "q"}}, false},
		{"order counts", Doc{Paras: []string{"q", "p"}}, Doc{Paras: []string{"p", "q"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.BodyKey() == tt.b.BodyKey(); got != tt.same {
				t.Errorf("same key = %v, want %v", got, tt.same)
			}
		})
	}
}
