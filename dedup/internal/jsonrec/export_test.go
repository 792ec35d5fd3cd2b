package jsonrec

// FindField is findField, for the tests of package jsonrec_test.
var FindField = findField
