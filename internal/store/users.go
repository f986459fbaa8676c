package store

// Roles of staff accounts.
const (
	RoleClinician = "clinician"
	RoleAdmin     = "admin"
)

// User is a clinician or admin account.
type User struct {
	ID       int64
	Email    string
	Role     string
	Disabled bool
}
