/**
 * The greeting that opens a letter or an e-mail: "Dear Patrick:", "Hi all,", "Rob,", "Rhett:". What the model
 * reads goes without it. Read with it, the model took the person greeted for the one who writes: "Rob, I
 * think we should renew the flame ..." became "Rob suggests renewing the flame.", "Rhett: I am negotiating
 * with First Union ..." became "Rhett is negotiating with First Union National Bank." (19 of 60 test e-mails
 * open with a greeting). Grounding still checks against the whole text, so the name stays allowed where the
 * summary needs it.
 */

const GREETING_WORD =
  /^(?:Dear|Hi|Hello|Hey|Hiya|Greetings|Good (?:morning|afternoon|evening))\b[^\n.!?:,;]{0,40}(?:[,:!]|(?=\n))/u;

/** A name ("Rob", "O'Neil", "Mary-Jo") or an initial; not "I'm" or "Transcriber's". */
const NAME = String.raw`(?:[A-Z][a-z]+(?:['’][A-Z][a-z]+|-[A-Z]?[a-z]+)?|[A-Z]\.)`;
/** Names joined by spaces, "&", "and" or commas: "Vince & Ozzie", "Ted Murphy, Tom Bauer", "Sally and Bob". */
const NAMES = new RegExp(String.raw`^(${NAME}(?:(?:\s+|\s*(?:&|and|,)\s*)${NAME}){0,3})\s*([,:])`, 'u');

/** Capitalized words that open a sentence before a comma and greet no one ("Well, we met ..."). */
const NOT_GREETED = new Set(
  `Well So Yes No Ok Okay Also However Thanks Thank Sorry Please Note Again Now Then First Finally Today
  Yesterday Tomorrow Tonight Meanwhile Unfortunately Fortunately Actually Basically Anyway Oh Ah Sure Great
  Good Right Additionally Furthermore Moreover Overall Currently Recently Previously Otherwise Nevertheless
  Indeed Obviously Clearly Importantly Interestingly Notably Specifically Similarly Likewise Therefore Thus
  Hence Instead Still Besides Naturally Certainly Honestly Frankly Apparently Hopefully Sadly Luckily Ideally
  Personally Generally Typically Usually Often Sometimes Once Later Earlier Last Next Here There Attached
  Below Above Per Regarding Re Subject Update Reminder Question Answer Summary Background Notice Important
  Urgent Warning Caution In On At For As If When While After Before Since Because Although Though Unless
  Until With Without By From To Of The A An This That These Those It We You They He She I My Our Your
  Questions Answers Notes Comments Issues Agenda Topics Details Items Action Actions Minutes Attendees
  Participants Present Location Date Time Where What Why How Who Monday Tuesday Wednesday Thursday Friday
  Saturday Sunday January February March April May June July August September October November
  December`.split(/\s+/u),
);

/**
 * Words a letter's first sentence opens with after a greeting in lower case ("Ken, in response to your
 * note"); a name followed by another lower-case word is the subject of the sentence ("David Foti, currently
 * of ET&S, has accepted a position").
 */
const LOWER_CASE_OPENERS = new Set(
  `i i'm i've i'd i'll we we're we've you a an as in please thanks thank just here this that attached per
  following hope sorry regarding fyi sounds good great yes no ok okay see can could would will do did are is
  have has hi hello thought quick thanx thx`.split(/\s+/u),
);

/** A line that opens with a speaker's tag ("Anna: ..."): two or more make the text a transcript, not a letter. */
const SPEAKER_LINE = /^[A-Z][\w'’.-]*(?:\s[A-Z][\w'’.-]*){0,2}:\s/gmu;

/** The greeting that opens `text` (as written, with its punctuation), or '' when it opens otherwise. */
export function openingGreeting(text: string): string {
  const greeting = GREETING_WORD.exec(text);
  if (greeting) return greeting[0];
  const names = NAMES.exec(text);
  if (!names) return '';
  if (NOT_GREETED.has(names[1]!.split(/[\s,&]/u)[0]!)) return '';
  if (names[2] === ':' && (text.match(SPEAKER_LINE)?.length ?? 0) >= 2) return '';
  const rest = text.slice(names[0].length);
  if (/^[ \t]*(?:\r?\n|$)/u.test(rest)) return names[0];
  const next = /^[ \t]+(["“(]?)([\p{L}'’]+)/u.exec(rest);
  if (!next) return '';
  const word = next[2]!;
  if (!/^\p{Lu}/u.test(word)) return LOWER_CASE_OPENERS.has(word.toLowerCase()) ? names[0] : '';
  // One person's full name before a capital is an appositive: "Jim Hatfield, Chief Administrative Officer",
  // "Crescendo Energy, LLC". Letters greet by first name, or several people at once.
  const onePerson = !/[,&]|\sand\s/u.test(names[1]!);
  return onePerson && names[1]!.split(/\s+/u).length >= 2 ? '' : names[0];
}

/**
 * `text` without the greetings that open it (see the module comment): two at most, as in "Hi, Marie, hope all
 * is well." A text that is only a greeting is read as it is.
 */
export function withoutOpeningGreeting(text: string): string {
  let rest = text;
  for (let i = 0; i < 2; i++) {
    const greeting = openingGreeting(rest);
    if (greeting.length === 0) break;
    rest = rest.slice(greeting.length).trimStart();
  }
  if (rest === text || rest.length === 0) return text;
  return rest.replace(/^\p{Ll}/u, (c) => c.toUpperCase());
}
