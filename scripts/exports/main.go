// Command exports counts the exported identifiers of a Go package: constants,
// variables, functions, types, their methods and the methods of exported
// interfaces. The root package dedup is kept at 60 or fewer:
//
//	go run ./scripts/exports dedup
package main

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"strings"
)

func main() {
	fset := token.NewFileSet()
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/exports DIR")
		os.Exit(2)
	}
	pkgs, err := parser.ParseDir(fset, os.Args[1], func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "exports:", err)
		os.Exit(1)
	}
	for _, p := range pkgs {
		d := doc.New(p, "x", 0)
		var names []string
		add := func(s string) { names = append(names, s) }
		for _, v := range append(d.Consts, d.Vars...) {
			for _, s := range v.Names {
				add(s)
			}
		}
		for _, f := range d.Funcs {
			add(f.Name)
		}
		for _, t := range d.Types {
			add(t.Name)
			for _, v := range append(t.Consts, t.Vars...) {
				for _, s := range v.Names {
					add(s)
				}
			}
			for _, f := range t.Funcs {
				add(f.Name)
			}
			for _, m := range t.Methods {
				add(t.Name + "." + m.Name)
			}
			if it, ok := t.Decl.Specs[0].(*ast.TypeSpec).Type.(*ast.InterfaceType); ok {
				for _, m := range it.Methods.List {
					for _, nm := range m.Names {
						add(t.Name + "." + nm.Name)
					}
				}
			}
		}
		fmt.Printf("%d exported identifiers: %s\n", len(names), strings.Join(names, " "))
	}
}
