package questionnaire

// Repeat makes a section a block, written once and asked once for each entry of a list: each
// option of an earlier multiple-choice item that the person ticked (ASSIST asks its questions
// 2 to 7 for every substance ticked in question 1).
type Repeat struct {
	Item string `yaml:"item" validate:"required"`
	// Entries are the option codes to repeat for; by default every option that is not
	// exclusive ("none of these" has no block).
	Entries []string `yaml:"entries" validate:"unique"`
}

// Origin ties a section, item or score made from a repeated block to the block as written and
// the entry it was made for. Expanding the blocks (package definition) sets it; it is nil for
// everything written once.
type Origin struct {
	Block *Section // the section as written, with its repeat
	Code  string   // the entry: an option code of the repeat's item
}

// Entry is the entry a repeated section or item was made for, and the id of the block it was
// written in; both are "" for everything written once.
func (it *Item) Entry() (block, code string) { return it.Origin.entry() }

// Entry is the entry a repeated section was made for, and the block's id as written.
func (s *Section) Entry() (block, code string) { return s.Origin.entry() }

func (o *Origin) entry() (block, code string) {
	if o == nil {
		return "", ""
	}
	return o.Block.ID, o.Code
}
