package fhirimport

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/fhir/fhirpath"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
)

// pending is skip logic to convert once every item and score is known.
type pending struct {
	set   func(*questionnaire.Condition)
	what  string
	in    inItem
	outer []inItem // enclosing groups flattened away, whose skip logic joins the item's
}

// sections turns groups into sections and questions into items. A question outside any group
// goes into a section of its own; a group inside a group is flattened into its section.
func (im *importer) sections(result *inItem) {
	var todo []pending
	var loose *questionnaire.Section
	for _, top := range im.in.Item {
		if result != nil && top.LinkID == result.LinkID {
			continue
		}
		if top.Type != "group" {
			if loose == nil {
				loose = &questionnaire.Section{ID: im.unique("section", "main"), Title: im.placeholder("a title for this step")}
				im.q.Sections = append(im.q.Sections, loose)
			}
			if it := im.item(top); it != nil {
				loose.Items = append(loose.Items, it)
				todo = append(todo, pending{set: func(c *questionnaire.Condition) { it.ShowIf = c }, what: "item " + it.ID, in: top})
			}
			continue
		}
		loose = nil
		sec := &questionnaire.Section{ID: im.unique("section", ident(strings.TrimPrefix(top.LinkID, "section."))), Title: im.text(top.Text, "a title for this step")}
		todo = append(todo, pending{set: func(c *questionnaire.Condition) { sec.ShowIf = c }, what: "section " + sec.ID, in: top})
		todo = append(todo, im.groupItems(sec, top.Item, nil)...)
		if len(sec.Items) == 0 {
			im.note("group %q has no question that could be converted: it was dropped", top.LinkID)
			continue
		}
		im.q.Sections = append(im.q.Sections, sec)
	}
	im.todo = todo
}

func (im *importer) groupItems(sec *questionnaire.Section, items []inItem, outer []inItem) []pending {
	var todo []pending
	for _, child := range items {
		if child.Type == "group" {
			im.note("groups inside groups are flattened into their section (their skip logic joins their items')")
			todo = append(todo, im.groupItems(sec, child.Item, append(slices.Clone(outer), child))...)
			continue
		}
		it := im.item(child)
		if it == nil {
			continue
		}
		sec.Items = append(sec.Items, it)
		todo = append(todo, pending{set: func(c *questionnaire.Condition) { it.ShowIf = c }, what: "item " + it.ID, in: child, outer: outer})
		if len(child.Item) > 0 {
			im.note("questions nested under question %q were dropped: the format nests questions only in sections", child.LinkID)
		}
	}
	return todo
}

// item converts one question, or notes why it cannot.
func (im *importer) item(in inItem) *questionnaire.Item {
	if len(extensions(in.Extension, fhir.ExtCalculated)) > 0 {
		im.note("calculated item %q is not one this package exported: it was dropped (write the score it computes by hand)", in.LinkID)
		return nil
	}
	it := &questionnaire.Item{Prompt: im.text(in.Text, "the question"), Required: ptr(in.Required != nil && *in.Required)}
	im.codes[in.LinkID] = map[string]string{}
	switch in.Type {
	case "display":
		im.note("display items (text without a question) are dropped")
		return nil
	case "choice", "open-choice":
		if in.Type == "open-choice" {
			im.note("item %q: typed answers of open-choice items are dropped (the format takes no typed text); its options are kept", in.LinkID)
		}
		if in.AnswerValueSet != "" && len(in.AnswerOption) == 0 {
			im.note("item %q: answers from a value set (%s) need a terminology server: the item was dropped", in.LinkID, in.AnswerValueSet)
			return nil
		}
		it.Type = questionnaire.Single
		if in.Repeats != nil && *in.Repeats {
			it.Type = questionnaire.Multiple
		}
		seen := map[string]bool{}
		for _, o := range in.AnswerOption {
			fhirCode, label := optionCode(o)
			if fhirCode == "" {
				im.note("item %q: an option that is not a coding, string or integer was dropped", in.LinkID)
				continue
			}
			code := ident(fhirCode)
			for i := 2; seen[code]; i++ {
				code = fmt.Sprintf("%s_%d", ident(fhirCode), i)
			}
			seen[code] = true
			im.codes[in.LinkID][fhirCode] = code
			opt := &questionnaire.Option{Code: code, Label: im.text(label, "the option's label"), Value: im.ordinal(o.Extension)}
			for _, e := range extensions(o.Extension, fhir.ExtExclusive) {
				opt.Exclusive = e.ValueBoolean != nil && *e.ValueBoolean && it.Type == questionnaire.Multiple
			}
			it.Options = append(it.Options, opt)
		}
		if len(it.Options) < 2 {
			im.note("item %q has fewer than two options: it was dropped", in.LinkID)
			return nil
		}
	case "boolean":
		im.note("item %q: a yes/no (boolean) question became a choice of yes (worth 1) and no", in.LinkID)
		it.Type = questionnaire.Single
		it.Options = []*questionnaire.Option{{Code: "yes", Label: im.text("Yes", ""), Value: 1}, {Code: "no", Label: im.text("No", "")}}
		im.codes[in.LinkID]["true"], im.codes[in.LinkID]["false"] = "yes", "no"
	case "integer":
		it.Type = questionnaire.Number
		for _, e := range in.Extension {
			switch {
			case e.URL == fhir.ExtMinValue && e.ValueInteger != nil:
				it.Min = ptr(*e.ValueInteger)
			case e.URL == fhir.ExtMaxValue && e.ValueInteger != nil:
				it.Max = ptr(*e.ValueInteger)
			case e.URL == fhir.ExtUnit && e.ValueCoding != nil:
				it.Unit = im.text(firstOf(e.ValueCoding.Display, e.ValueCoding.Code), "")
			}
		}
		if it.Min == nil || it.Max == nil {
			im.note("number item %q has no minValue or maxValue: 0 and %d are used, check them", in.LinkID, definition.MaxNumber)
			it.Min, it.Max = firstPtr(it.Min, 0), firstPtr(it.Max, definition.MaxNumber)
		}
	default:
		im.note("item %q of type %s was dropped: the format has choice and whole-number questions only, and no typed text", in.LinkID, in.Type)
		return nil
	}
	it.ID = im.unique("item", ident(in.LinkID))
	it.Domain = im.domainOf(in.Code)
	for _, c := range in.Code {
		if strings.HasSuffix(c.System, "/dsm5-sud-criteria") && slices.Contains(questionnaire.DSM5Criteria, c.Code) && it.Type != questionnaire.Number {
			it.DSM5 = c.Code
		}
	}
	im.items[in.LinkID] = it
	im.rec.items[in.LinkID] = it.ID
	return it
}

func firstPtr(p *int, def int) *int {
	if p != nil {
		return p
	}
	return &def
}

func optionCode(o inOption) (code, label string) {
	switch {
	case o.ValueCoding != nil:
		return o.ValueCoding.Code, firstOf(o.ValueCoding.Display, o.ValueCoding.Code)
	case o.ValueString != nil:
		return *o.ValueString, *o.ValueString
	case o.ValueInteger != nil:
		return fmt.Sprint(*o.ValueInteger), fmt.Sprint(*o.ValueInteger)
	}
	return "", ""
}

// domainOf is the item's domain, from the export's domain code, or one domain for the rest.
func (im *importer) domainOf(codes []fhir.Coding) string {
	id, label := "imported", "Imported from FHIR"
	for _, c := range codes {
		if strings.HasSuffix(c.System, "/domain") && c.Code != "" {
			id, label = ident(c.Code), firstOf(c.Display, c.Code)
		}
	}
	if im.domain[id] == nil {
		d := &questionnaire.Domain{ID: id, Label: im.text(label, "what these items are about")}
		im.domain[id] = d
		im.q.Domains = append(im.q.Domains, d)
	}
	return id
}

// conditions converts every item's and section's skip logic, once items and scores are known.
func (im *importer) conditions() {
	for _, p := range im.todo {
		var parts []*questionnaire.Condition
		ok := true
		for _, in := range append(slices.Clone(p.outer), p.in) {
			c, err := im.enableOf(in)
			if err != nil {
				im.note("%s: its skip logic could not be converted (%v): it is always shown, write its show_if by hand", p.what, err)
				ok = false
				break
			}
			if c != nil {
				parts = append(parts, c)
			}
		}
		switch {
		case !ok || len(parts) == 0:
		case len(parts) == 1:
			p.set(parts[0])
		default:
			p.set(&questionnaire.Condition{All: parts})
		}
	}
}

// enableOf is a question's or group's skip logic, or nil.
func (im *importer) enableOf(in inItem) (*questionnaire.Condition, error) {
	if x := extensions(in.Extension, fhir.ExtEnableWhenX); len(x) > 0 && x[0].ValueExpression != nil {
		n, err := fhirpath.Parse(x[0].ValueExpression.Expression)
		if err != nil {
			return nil, err
		}
		return im.rec.condition(n)
	}
	if len(in.EnableWhen) == 0 {
		return nil, nil
	}
	var leaves []*questionnaire.Condition
	for _, ew := range in.EnableWhen {
		c, err := im.leaf(ew)
		if err != nil {
			return nil, err
		}
		leaves = append(leaves, c)
	}
	if in.EnableBehavior == "any" {
		leaves = mergeAnyOf(leaves)
		for i := range leaves {
			leaves[i] = im.rec.answered(leaves[i])
		}
		return single(&questionnaire.Condition{Any: leaves}), nil
	}
	leaves = joinNoneOf(mergeNoneOf(leaves))
	for i := range leaves {
		leaves[i] = im.rec.answered(leaves[i])
	}
	return single(&questionnaire.Condition{All: mergeBounds(leaves)}), nil
}

func single(c *questionnaire.Condition) *questionnaire.Condition {
	if len(c.All) == 1 {
		return c.All[0]
	}
	if len(c.Any) == 1 {
		return c.Any[0]
	}
	return c
}

// leaf converts one enableWhen.
func (im *importer) leaf(ew inEnableWhen) (*questionnaire.Condition, error) {
	if score, ok := strings.CutPrefix(ew.Question, "score."); ok && ew.AnswerInteger != nil {
		c := &questionnaire.Condition{Score: ident(score)}
		return c, integerBounds(c, ew)
	}
	it := im.items[ew.Question]
	if it == nil {
		return nil, fmt.Errorf("it looks at %q, which is not an item that was imported", ew.Question)
	}
	switch {
	case ew.Operator == "exists" && ew.AnswerBoolean != nil && *ew.AnswerBoolean:
		return &questionnaire.Condition{Item: it.ID}, nil
	case ew.Operator == "exists":
		return nil, fmt.Errorf("the format cannot say \"not answered\"")
	case it.Type == questionnaire.Number:
		if ew.AnswerInteger == nil {
			return nil, fmt.Errorf("a number compared with something else than a whole number")
		}
		c := &questionnaire.Condition{Item: it.ID}
		return c, integerBounds(c, ew)
	}
	var code string
	switch {
	case ew.AnswerCoding != nil:
		code = ew.AnswerCoding.Code
	case ew.AnswerBoolean != nil:
		code = fmt.Sprint(*ew.AnswerBoolean)
	case ew.AnswerString != nil:
		code = *ew.AnswerString
	case ew.AnswerInteger != nil:
		code = fmt.Sprint(*ew.AnswerInteger)
	}
	mapped, ok := im.codes[linkOf(im, it)][code]
	if !ok {
		return nil, fmt.Errorf("%q is not an option of %q", code, it.ID)
	}
	switch ew.Operator {
	case "=":
		return &questionnaire.Condition{Item: it.ID, AnyOf: []string{mapped}}, nil
	case "!=":
		return &questionnaire.Condition{Item: it.ID, NoneOf: []string{mapped}}, nil
	}
	return nil, fmt.Errorf("operator %s on a choice", ew.Operator)
}

func linkOf(im *importer, it *questionnaire.Item) string {
	for link, x := range im.items {
		if x == it {
			return link
		}
	}
	return ""
}

// integerBounds turns a comparison with a whole number into min and max.
func integerBounds(c *questionnaire.Condition, ew inEnableWhen) error {
	v := *ew.AnswerInteger
	switch ew.Operator {
	case ">=":
		c.Min = ptr(v)
	case ">":
		c.Min = ptr(v + 1)
	case "<=":
		c.Max = ptr(v)
	case "<":
		c.Max = ptr(v - 1)
	case "=":
		c.Min, c.Max = ptr(v), ptr(v)
	default:
		return fmt.Errorf("operator %s on a number", ew.Operator)
	}
	return nil
}

// mergeAnyOf joins "=" on the same question, under any, into one any_of.
func mergeAnyOf(leaves []*questionnaire.Condition) []*questionnaire.Condition {
	var out []*questionnaire.Condition
	for _, c := range leaves {
		if c.AnyOf != nil {
			if i := slices.IndexFunc(out, func(o *questionnaire.Condition) bool { return o.Item == c.Item && o.AnyOf != nil }); i >= 0 {
				out[i].AnyOf = append(out[i].AnyOf, c.AnyOf...)
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// mergeNoneOf joins "!=" on the same question, under all, into one none_of.
func mergeNoneOf(leaves []*questionnaire.Condition) []*questionnaire.Condition {
	var out []*questionnaire.Condition
	for _, c := range leaves {
		if c.NoneOf != nil {
			if i := slices.IndexFunc(out, func(o *questionnaire.Condition) bool { return o.Item == c.Item && o.NoneOf != nil }); i >= 0 {
				out[i].NoneOf = append(out[i].NoneOf, c.NoneOf...)
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// mergeBounds joins min and max on the same number or score, under all, into one condition.
func mergeBounds(leaves []*questionnaire.Condition) []*questionnaire.Condition {
	var out []*questionnaire.Condition
	for _, c := range leaves {
		if c.Min != nil || c.Max != nil {
			i := slices.IndexFunc(out, func(o *questionnaire.Condition) bool {
				return o.Item == c.Item && o.Score == c.Score && (o.Min != nil || o.Max != nil) && (o.Min == nil || c.Min == nil) && (o.Max == nil || c.Max == nil)
			})
			if i >= 0 {
				out[i].Min, out[i].Max = firstOfPtr(out[i].Min, c.Min), firstOfPtr(out[i].Max, c.Max)
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

func firstOfPtr(a, b *int) *int {
	if a != nil {
		return a
	}
	return b
}
