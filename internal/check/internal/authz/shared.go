package authz

// Shared is embedded by the authorization checks. They run once per scan
// (check.SiteWide) and share one Learner, so what is learnt about the
// identities and their objects is learnt once.
type Shared struct{ learner *Learner }

// Share returns the shared part of an authorization check; a nil learner
// gets a fresh one.
func Share(l *Learner) Shared {
	if l == nil {
		l = NewLearner()
	}
	return Shared{learner: l}
}

// Learner returns the shared learner.
func (s Shared) Learner() *Learner { return s.learner }

// SiteWide makes the engine run the check once per scan.
func (Shared) SiteWide() bool { return true }
