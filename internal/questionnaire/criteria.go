package questionnaire

// Criteria is the score kind that counts DSM-5 criteria met rather than items: two items
// mapped to the same criterion (used more than meant, used more than prescribed) count once,
// and an item mapped to none can count nothing, so every item it lists needs a dsm5 code.
const Criteria = "criteria"
