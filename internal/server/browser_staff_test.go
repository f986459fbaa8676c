package server_test

import "testing"

// staffPages are the signed-in pages the robustness checks visit (none until the staff areas land).
func staffPages(t *testing.T, ts *testServer) []string { return nil }

// testStaffJourneys: clinician and admin journeys (once the staff areas land).
func testStaffJourneys(t *testing.T, b *browser) {}
