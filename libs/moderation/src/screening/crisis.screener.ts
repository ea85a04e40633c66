import type { NormalisedText } from './normalise';
import { findGuarded, summarise, type GuardedPattern } from './pattern-match';
import { CLAUSE, type ScreenVerdict } from './screening.types';

// Curated first-person patterns (reflexive "myself", "my life", "I want to die", "without me") over leet-folded text,
// each with guards for negation ("I'd never…") and idioms ("…laughing", "rather die than…"); talk about others never matches.
// Deliberately biased to fire: a false alarm costs a reviewer a minute, a miss can cost a life.

const NEGATED =
  /\b(?:never|not|don't|dont|do not|doesn't|doesnt|didn't|didnt|did not|wouldn't|wouldnt|would not|won't|wont|will not|shouldn't|shouldnt)\s+(?:[\w']+\s+){0,2}$/;
const OVERDOSE_ROUTINE =
  /^\s+(?:today|tonight|this\s+(?:morning|afternoon|evening)|for\s+(?:today|tonight|the\s+(?:day|week|morning|afternoon|evening|night))|on\s+time|as\s+(?:prescribed|usual|normal|directed)|with\s+(?:breakfast|lunch|dinner|tea|food|my\s+(?:breakfast|lunch|dinner|tea))|at\s+(?:breakfast|lunch|dinner|\d)|in\s+the\s+(?:morning|evening)|every\s+(?:day|morning|night)|before\s+(?:bed|dialysis)|after\s+(?:dialysis|food|eating))\b/;

// "…all at once with breakfast" is how some people take their morning tablets; "…all at once tonight" is not.
const TAKEN_TOGETHER_ROUTINE =
  /^\s+(?:with\s+(?:breakfast|lunch|dinner|tea|food|water|a\s+meal|my\s+(?:breakfast|lunch|dinner|tea))|as\s+(?:prescribed|usual|normal|directed)|in\s+the\s+(?:morning|evening)|every\s+(?:day|morning|night)|before\s+(?:bed|dialysis)|after\s+(?:dialysis|food|eating)|at\s+(?:breakfast|lunch|dinner))\b/;

const PATTERNS: GuardedPattern[] = [
  {
    label: 'suicidal intent',
    pattern: /\b(?:i\s*)?(?:kill(?:ing)?|un\s?aliv(?:e|ing)|off(?:ing)?|top(?:ping)?)\s*my\s*self\b/g,
    notAfter: NEGATED,
    notBefore: /^\s+(?:laughing|with\s+laughter|trying|working|up|to\s+(?:get|make|finish|keep|please)|over\s+(?:this|that|it|nothing))\b/,
  },
  // Telling someone else to kill themselves is abuse, and its target may be at risk: held as urgent like the rest,
  // so it never reaches them and a person sees it first (see docs/SCREENING.md).
  {
    when: /kys|self|selves/,
    label: 'telling someone to kill themselves',
    pattern: /\bkys\b|\b(?:kill|un\s?alive|off|top)\s*(?:yo)?ur\s*self\b|\b(?:kill|un\s?alive)\s+yourselves\b/g,
    notAfter: /(?<!\bwhy\s)\b(?:don't|dont|never|not|wouldn't|wouldnt|nearly|almost)\s+(?:[\w']+\s+){0,2}$/,
    notBefore: /^\s+(?:laughing|with\s+laughter|trying|working|up|over\s+(?:this|that|it|nothing))\b/,
  },
  {
    label: 'suicidal intent',
    pattern: /\b(?:end|ending|take|taking)\s*my\s*(?:own\s+)?life\b/g,
    notAfter: NEGATED,
    notBefore: /^\s+(?:back|into|in\s+(?:hand|my|to)|for\s+granted|seriously|one\s+day)\b/,
  },
  { label: 'suicidal intent', pattern: /\bend(?:ing)?\s*it\s*all\b/g, notAfter: NEGATED },
  {
    label: 'suicidal intent',
    pattern:
      /\b(?:going\s+to|gonna|want\s+to|wanna|plan\s+to|planning\s+to|plans\s+to|ready\s+to|about\s+to|thinking\s+(?:about|of)|i'll|i\s+will|i\s+might|i'm|im|i\s+am)\s+(?:just\s+)?end(?:ing)?\s+(?:it|things|everything)\b/g,
    notAfter: NEGATED,
    notBefore: /^\s+(?:with|between|for\s+(?:him|her|them|us)|on\s+(?:a|that)|early|here\s+with|at\s+work)\b/,
  },
  {
    label: 'suicidal intent',
    pattern:
      /\b(?:i'm|im|i\s+am|i've\s+been|ive\s+been|i\s+have\s+been|i\s+feel|i\s+felt|feeling|felt|been\s+feeling|i\s+get|i\s+got|i\s+was|i\s+keep\s+feeling)\s+(?:(?!not\b|never\b|no\b)[\w']+\s+){0,2}suicidal\b/g,
    notAfter: NEGATED,
  },
  {
    label: 'suicidal intent',
    pattern: /\b(?:having|have|had|get|getting|got|my)\s+suicidal\s+(?:thoughts|feelings|urges|ideation)\b/g,
    notAfter: NEGATED,
  },
  {
    label: 'suicidal intent',
    pattern: /\b(?:thinking|thought|think|considering|considered|contemplating|planning|plan)\s+(?:about\s+|of\s+)?(?:suicide|committing\s+suicide)\b/g,
    notAfter: NEGATED,
    notBefore: /^\s+(?:prevention|awareness|rates?|statistics|stats|risk|helplines?|hotlines?|research|among|in\s+(?:dialysis|kidney|ckd))\b/,
  },
  {
    label: 'suicidal intent',
    pattern:
      /\b(?:i'll|i\s+will|i\s+might|i\s+want\s+to|i\s+wanna|i'm\s+going\s+to|im\s+going\s+to|i'm\s+gonna|im\s+gonna|going\s+to|gonna|want\s+to|plan\s+to|planning\s+to)\s+(?:just\s+)?commit\s+suicide\b/g,
    notAfter: NEGATED,
  },
  { label: 'suicidal intent', pattern: /\b(?:writing|wrote|written|write|left|leave)\s+(?:a|my)\s+suicide\s+note\b/g, notAfter: NEGATED },
  {
    label: 'wish to die',
    pattern: /\b(?:i\s*)?(?:want|wanna|wanting|wish|ready|planning|plan)\s*(?:(?:to|2)\s*)?(?:just\s+)?die\b/g,
    notAfter: NEGATED,
    notBefore:
      /^\s+(?:of\s+(?:embarrassment|shame|boredom|cringe)|laughing|old|happy|at\s+home|in\s+(?:a\s+)?hospice|(?:my|your|her|his|their|the|it|them)\s+(?:\w+\s+)?(?:hair|beard|roots|fringe|eyebrows|clothes|jeans|shoes|wool|fabric)|(?:it|them)\s+(?:blue|red|pink|purple|green|black|blonde|brown))\b/,
  },
  { label: 'wish to die', pattern: /\bwant\s+to\s+be\s+dead\b/g, notAfter: NEGATED },
  {
    label: 'wish to die',
    pattern: /\bwish\s+i\s+(?:was|were|could\s+be|could\s+just\s+be)\s+(?:dead|gone|never\s+born)\b/g,
  },
  {
    label: 'wish to die',
    pattern:
      /\bwish\s+(?:i\s+had|i'd|id)\s+never\s+been\s+born\b|\bwish\s+i\s+(?:had\s+never\s+been\s+born|could\s+(?:just\s+)?(?:die|disappear|not\s+wake\s+up)|would\s+(?:just\s+)?die|didn't\s+wake\s+up|wouldn't\s+wake\s+up|wasn't\s+here|weren't\s+here)\b/g,
  },
  {
    label: 'wish to die',
    pattern: /\b(?:i'd|id|i\s+would)\s+rather\s+(?:be\s+dead|die|not\s+(?:be\s+alive|exist|be\s+here|wake\s+up))\b/g,
    // "…rather die than eat kale" is a joke; "…rather be dead than do another year of this" is not.
    notBefore:
      /^\s+(?:than|then)\b(?!\s+(?:(?:to\s+)?(?:do|go\s+through|live|spend|face|carry\s+on|keep|be\s+on|stay\s+on|suffer|have\s+(?:another|more))|another|more|be\s+like\s+this|this)\b)/,
  },
  { label: 'wish to die', pattern: /\bbetter\s+off\s+dead\b/g },
  { label: 'wish to die', pattern: /\b(?:hope|hoping|wish)\s+i\s+(?:just\s+)?(?:don't|dont|do\s+not|never|won't|wont)\s+wake\s+up\b/g },
  {
    label: 'wish to die',
    pattern: /\b(?:don't|dont|do\s+not)\s+want\s+to\s+wake\s+up\b/g,
    notBefore: /^\s+(?:early|at|before|for|so\s+early|this\s+early|on\s+time)\b/,
  },
  {
    label: 'wish to die',
    pattern: /\bso\s+(?:that\s+)?i\s+(?:can\s+|could\s+|will\s+|'ll\s+|would\s+|might\s+|just\s+)*(?:die|be\s+dead|not\s+wake\s+up)\b/g,
  },
  { label: 'wish to die', pattern: /\blet\s+my\s*self\s+die\b/g, notAfter: NEGATED },
  {
    label: 'wish to die',
    pattern:
      /\b(?:stop|stopping|quit|quitting|come\s+off|coming\s+off|give\s+up|giving\s+up)\s+(?:my\s+)?(?:dialysis|treatment|meds|medication|immunosuppressants|insulin)\s+and\s+(?:just\s+)?die\b/g,
  },
  {
    label: 'not wanting to live',
    pattern: /\b(?:don't|dont|do\s+not|no\s+longer|never|didn't|didnt)\s+want\s+to\s+(?:be\s+alive|exist|be\s+here\s+any\s*(?:more|longer))\b/g,
  },
  {
    label: 'not wanting to live',
    pattern: /\b(?:don't|dont|do\s+not|no\s+longer|didn't|didnt)\s+want\s+to\s+live\b/g,
    notBefore: /^\s+(?:in|at|with|near|on|there|here|abroad|alone|by|next|somewhere|far|close|forever|to\s+\d|to\s+(?:a|be|see))\b/,
  },
  {
    label: 'not wanting to live',
    pattern:
      /\b(?:don't|dont|do\s+not|no\s+longer|didn't|didnt)\s+want\s+to\s+(?:go\s+on|carry\s+on|keep\s+going)(?=\s*(?:$|[.,!?;]|any\s*more|any\s+longer|like\s+this|living|with\s+(?:life|this|it)\b))/g,
  },
  {
    label: 'not wanting to live',
    pattern: /\b(?:tired|sick)\s+of\s+(?:living|being\s+alive|life)\b/g,
    notBefore: /^\s+(?:with|in|on|like|off|at|under|around|next)\b/,
  },
  {
    label: 'hopelessness',
    pattern:
      /\bno\s+(?:reason|point|purpose)\s+(?:in\s+|to\s+|for\s+(?:me\s+)?(?:to\s+)?)?(?:living|live|going\s+on|carrying\s+on|being\s+alive|being\s+here|existing|go\s+on|staying\s+alive)\b/g,
  },
  { label: 'hopelessness', pattern: /\bnothing\s+(?:left\s+)?to\s+live\s+for\b/g },
  { label: 'hopelessness', pattern: /\b(?:isn't|isnt|is\s+not|not|no\s+longer|never|ain't|aint)\s+worth\s+living\b/g },
  {
    label: 'hopelessness',
    pattern:
      /\b(?:can't|cant|cannot|can\s+not|couldn't)\s+(?:go\s+on|carry\s+on|keep\s+going)(?=\s*(?:$|[.,!?;]|any\s*more|any\s+longer|like\s+this|living|with\s+(?:life|this|it)\b))/g,
  },
  {
    label: 'hopelessness',
    pattern: /\b(?:can't|cant|cannot|can\s+not)\s+(?:do\s+this|take\s+(?:it|this))\s+(?:any\s*(?:more|longer)|no\s+(?:more|longer))\b/g,
  },
  { label: 'hopelessness', pattern: /\b(?:better|happier|easier)\s+(?:off\s+)?without\s+me\b/g },
  { label: 'hopelessness', pattern: /\b(?:no\s*one|nobody)\s+would\s+(?:care|notice|miss\s+me)\s+if\s+i\b/g },
  {
    label: 'self-harm',
    pattern:
      /\b(?:want|wanna|going|gonna|plan|planning|need|urge|urges|tempted|about|ready|feel\s+like|felt\s+like|thinking\s+(?:about|of)|thought\s+about|keep|kept|started|start|been|stop|stop\s+myself\s+from|trying\s+not\s+to|can't\s+stop)\s+(?:to\s+)?(?:hurt(?:ing)?|harm(?:ing)?|cut(?:ting)?|burn(?:ing)?|punish(?:ing)?|starv(?:e|ing))\s+my\s*self\b/g,
    notAfter: NEGATED,
  },
  {
    label: 'self-harm',
    pattern:
      /\b(?:i|i've|ive|i\s+have|been|started|start|keep|urge\s+to|urges\s+to|want\s+to|wanna|going\s+to|gonna|back\s+to|relapsed|relapsing|i'm|im)\s+(?:been\s+|to\s+|into\s+)?self[\s-]?harm(?:ing|ed)?\b/g,
    notAfter: NEGATED,
  },
  { label: 'self-harm', pattern: /\bself[\s-]?harm(?:ing|ed)?\s+again\b/g, notAfter: NEGATED },
  {
    label: 'self-harm',
    pattern: /\bcutting\s+(?:again|my\s*self|my\s+(?:arms?|wrists?|legs?|thighs?|skin|stomach))\b/g,
    notAfter: NEGATED,
  },
  { label: 'self-harm', pattern: /\b(?:been|started|start|keep|kept)\s+cutting(?=\s*(?:$|[.!?;]))/g, notAfter: NEGATED },
  {
    label: 'overdose',
    pattern:
      /\b(?:taken|took|swallowed|swallow|take|taking|necked|downed)\s+(?:all|every\s+one|a\s+lot|loads|lots|too\s+many|a\s+bunch|a\s+handful|handfuls|everything|(?:a|the|two|three|\d+)\s+(?:whole\s+)?(?:box(?:es)?|packets?|packs?|bottles?|strips?|tubs?))\s+(?:of\s+)?(?:my\s+|the\s+|them\s+|those\s+|these\s+)?(?:pills|tablets|tabs|meds|medication|medicines?|painkillers|paracetamol|co[\s-]?codamol|tramadol|codeine|morphine|insulin|sleeping\s+pills|antidepressants)\b/g,
    // "I forgot to take all my tablets", "did you take all the tablets?"
    notAfter:
      /\b(?:(?:forgot|forget|forgetting|remember|remembered|remembering|never|not|didn't|didnt|haven't|havent|have\s+not|don't|dont)\s+(?:to\s+)?(?:[\w']+\s+)?|you\s+(?:[\w']+\s+){0,2})$/,
    notBefore: OVERDOSE_ROUTINE,
  },
  {
    label: 'overdose',
    pattern: /\b(?:i|i've|ive|i\s+have|i\s+just|just|i'm|im|i\s+am)\s+(?:just\s+|been\s+)?(?:overdosed|overdosing|od'd|od'ed)\b/g,
  },
  { label: 'overdose', pattern: /\b(?:take|took|taken|taking)\s+an\s+overdose\b/g, notAfter: NEGATED },
  {
    label: 'overdose',
    pattern: /\b(?:want|wanna|going|gonna|plan|planning|about|ready|thinking\s+(?:about|of))\s+(?:to\s+)?(?:overdose|od)\b/g,
    notAfter: NEGATED,
  },
  // Current euphemisms, written to get past filters and moderators.
  {
    when: /aliv/,
    label: 'suicidal intent',
    pattern:
      /\b(?:i|i'm|im|i\s+am|i'll|i\s+will|i\s+might|want\s+to|wanna|going\s+to|gonna|plan(?:ning)?\s+to|ready\s+to|about\s+to|thinking\s+(?:about|of)|thought\s+about|urge\s+to|tempted\s+to|try\s+to|tried\s+to|just)\s+(?:(?:just|really|finally|actually|seriously|gonna|going\s+to|to)\s+)*un\s?aliv(?:e|ing)\b/g,
    notAfter: NEGATED,
  },
  { when: /aliv/, label: 'suicidal intent', pattern: /\bun\s?aliv(?:e|ing)\s+(?:me|my\s*self)\b/g, notAfter: NEGATED },
  { when: /suicidal/, label: 'suicidal intent', pattern: /\bsuicidal\s+(?:again|tonight|today|right\s+now|every\s+day)\b/g, notAfter: NEGATED },
  // "kms" is "kill myself"; "5 kms" is a distance.
  { when: /kms/, label: 'suicidal intent', pattern: /\bkms\b/g, notAfter: /(?:\d|\d\s|\b(?:few|many|several|couple\s+of|the|some|more|extra)\s)$/ },
  {
    when: /slid|delet|su[i1!*]c/,
    label: 'suicidal intent',
    pattern: /\bsewer\s*slid(?:e|ing)\b|\bself[\s-]?delet(?:e|ing)\b|\bsu[i1!*]c[i1!*]d(?:e|al)\b(?=\s+(?:tonight|today|soon|now))/g,
    notAfter: NEGATED,
  },
  {
    when: /ctb/,
    label: 'suicidal intent',
    pattern: /\b(?:want|wanna|going|gonna|plan|planning|ready|about|thinking\s+(?:about|of))\s+(?:to\s+)?ctb\b/g,
    notAfter: NEGATED,
  },
  {
    when: /goodbye|farewell|final|last/,
    label: 'suicidal intent',
    pattern:
      /\b(?:writ(?:e|ing|ten)|wrote|left|leaving|leave|finished|done|started|drafted|drafting|prepared|preparing)\s+(?:my\s+|a\s+|the\s+|some\s+|all\s+my\s+|all\s+the\s+)?(?:goodbye|farewell|final|last)\s+(?:letters?|notes?|messages?|videos?)\b/g,
    notAfter: NEGATED,
  },
  { when: /goodbye|farewell/, label: 'suicidal intent', pattern: /\bmy\s+(?:goodbye|farewell)\s+(?:letters?|notes?)\b/g, notAfter: NEGATED },
  {
    when: /jump|throw|step|walk/,
    label: 'suicidal intent',
    pattern:
      /\b(?:jump(?:ing)?|throw(?:ing)?\s+my\s*self|step(?:ping)?|walk(?:ing)?)\s+(?:off|from|in\s+front\s+of|under|into)\s+(?:a|the|that)\s+(?:\w+\s+)?(?:bridge|building|train|roof|cliff|car|bus|lorry|tube|motorway|traffic)\b/g,
    notAfter:
      /(?:\b(?:never|not|don't|dont|wouldn't|wouldnt)\s+(?:[\w']+\s+){0,2}|\b(?:he|she|they|someone|somebody|a\s+man|a\s+woman|a\s+person)\s+(?:[\w']+\s+){0,2})$/,
  },
  {
    when: /wall|sea|river|lake|tree|cliff|lorry|traffic|oncoming|car/,
    label: 'suicidal intent',
    pattern:
      /\b(?:going\s+to|gonna|want\s+to|wanna|thinking\s+(?:about|of)|thought\s+about|think\s+about|plan(?:ning)?\s+to|might|could\s+just|urge\s+to|tempted\s+to)\s+(?:just\s+)?(?:crash(?:ing)?\s+(?:the|my)\s+car\b|driv(?:e|ing)|crash(?:ing)?|walk(?:ing)?|swim(?:ming)?|step(?:ping)?|jump(?:ing)?)\s+(?:my\s+car\s+)?(?:into|off|out\s+into|in\s+front\s+of)\s+(?:a|the|that|some)\s+(?:\w+\s+)?(?:wall|sea|river|lake|tree|cliff|lorry|traffic|oncoming\s+\w+)\b/g,
    notAfter: NEGATED,
  },
  {
    when: /plan/,
    label: 'suicidal intent',
    pattern:
      /\bi\s+(?:have|'ve\s+(?:got|made)|ve\s+(?:got|made)|made)\s+(?:a|my|the)\s+plans?(?=\s*(?:$|[.!]|,?\s*(?:and\s+)?i\s+know\s+(?:when|how|where)|to\s+(?:end|do\s+it|go\s+through\s+with\s+it)))/g,
    notAfter: NEGATED,
  },
  {
    when: /way\s+out|than\s+end/,
    label: 'hopelessness',
    pattern:
      /\b(?:only\s+way\s+out\s+(?:is|would\s+be)\s+(?:to\s+)?(?:end|die|death|kill)|(?:no|any)\s+(?:other\s+)?way\s+out\s+(?:but|except|other\s+than|apart\s+from)|(?:other\s+)?than\s+(?:ending|end)\s+(?:it|things|my\s+life|it\s+all))\b/g,
  },
  {
    when: /how\s+many|lethal|fatal/,
    label: 'overdose',
    pattern:
      /\bhow\s+many\s+(?:of\s+(?:my|these|the)\s+)?(?:\w+\s+)?(?:tablets|pills|tabs|meds|painkillers|paracetamol|co\s?codamol|tramadol|codeine|morphine|insulin|units)\s+(?:it\s+)?(?:would|will|does|it'd|it\s+would|to)\s+(?:take|kill)\b|\b(?:lethal|fatal)\s+(?:dose|amount|overdose)\b/g,
    notAfter: /\b(?:nurse|doctor|pharmacist|gp|team)\s+(?:[\w']+\s+){0,3}$/,
  },
  {
    when: /stop/,
    label: 'wish to die',
    pattern:
      /\b(?:want|need|wish)\s+(?:it\s+all|everything|it|all\s+of\s+it|life)\s+to\s+(?:just\s+)?stop\s*,?\s*(?:permanently|forever|for\s+good|for\s+ever)\b/g,
  },
  {
    when: /exist|alive|here|wake/,
    label: 'not wanting to live',
    pattern: /\bwant\s+to\s+(?:not|never)\s+(?:exist|be\s+alive|be\s+here|wake\s+up)\b/g,
    notAfter: NEGATED,
  },
  {
    when: /all\s+i/,
    label: 'suicidal intent',
    pattern:
      /\b(?:suicide|dying|death|killing\s+my\s*self|ending\s+it|ending\s+my\s+life)\s+is\s+(?:all|the\s+only\s+thing)\s+i\s+(?:can\s+)?(?:think|thought)\s+(?:about|of)\b/g,
  },
  {
    when: /\bof\s+(?:my|the|them)|[2-9]\d|\d{3}|twenty|thirty|forty|fifty|hundred/,
    label: 'overdose',
    pattern:
      /\b(?:taken|took|swallowed|necked|downed)\s+(?:(?:about|around|over|like)\s+)?(?:(?:\d+|a\s+few|loads|lots|a\s+load|twenty|thirty|forty|fifty|a\s+hundred)\s+of\s+(?:my|the|them|those|these)\s+(?:\w+\s+)?|(?:[2-9]\d|\d{3,}|twenty|thirty|forty|fifty|a\s+hundred)\s+(?:\w+\s+)?(?=(?:pills|tablets|tabs|meds|medication|painkillers|paracetamol|co\s?codamol|tramadol|codeine|morphine|sleeping\s+pills|antidepressants|sertraline|citalopram|amitriptyline|zopiclone|diazepam)\b))(?:pills|tablets|tabs|meds|medication|painkillers|paracetamol|co\s?codamol|tramadol|codeine|morphine|sleeping\s+pills|antidepressants|sertraline|citalopram|amitriptyline|zopiclone|diazepam)?\b/g,
    notAfter: /\b(?:never|not|didn't|didnt|haven't|havent|you|he|she|they|forgot\s+to)\s+(?:[\w']+\s+){0,2}$/,
    notBefore:
      /^\s*(?:a|per|each|every)\s+day\b|^\s+(?:today|this\s+morning|since|over\s+the)\b|^\s*(?:mg|ml|mcg|units|micrograms|minutes|mins|hours|hrs|years|days|weeks|times|kg|g|%)\b/,
  },
  // Methods, final arrangements and the wish not to be alive, said other ways (second held-out batch).
  {
    when: /hang|wrist|throat|accident|road/,
    label: 'suicidal intent',
    pattern:
      /\b(?:hang(?:ing)?|hung)\s+my\s*self\b|\b(?:slit|slitting|slash(?:ed|ing)?|cut|cutting)\s+my\s+(?:wrists?|throat)\b|\bmake\s+it\s+look\s+like\s+an\s+accident\b|\b(?:drive|driving|swerve|swerving)\s+(?:my\s+car\s+)?off\s+the\s+road\b/g,
    notAfter: /(?<!\bwhy\s)\b(?:never|not|don't|dont|wouldn't|wouldnt|he|she|they|someone)\s+(?:[\w']+\s+){0,2}$/,
  },
  {
    when: /way/,
    label: 'suicidal intent',
    pattern:
      /\b(?:ways?|how)\s+to\s+(?:do\s+it|end\s+it|die|kill\s+my\s*self|end\s+my\s+life)\b|\b(?:easiest|quickest|best|painless|surest|least\s+painful)\s+way\s+to\s+(?:die|go|do\s+it|end\s+it|kill\s+my\s*self)\b/g,
    notAfter: NEGATED,
    notBefore: /^\s+(?:on\s+(?:dialysis|the\s+list)|well|healthily)\b/,
  },
  {
    when: /night|made\s+sure|goodbye|over|it's\s+time|its\s+time/,
    label: 'suicidal intent',
    pattern:
      /\btonight(?:'s|\s+is)\s+the\s+night\b|\bi've\s+made\s+sure\s+of\s+it\b|\b(?:said|saying)\s+(?:my\s+)?(?:last\s+)?goodbyes?\s+to\s+(?:every(?:one|body)|my\s+(?:family|kids|children|friends|mum|dad|wife|husband|partner))\b(?!\s+(?:at|on|in|when|before|after)\b)|\buntil\s+(?:it's|it\s+is)\s+(?:all\s+)?over\b|\b(?:sorted|written|done)\s+my\s+will\b[^.!?]{0,40}\b(?:it's|its)\s+time\b/g,
    notAfter: NEGATED,
  },
  {
    when: /alive|burden|miss\s+me|forever|lined\s+up|ready/,
    label: 'not wanting to live',
    pattern:
      /\bi\s+(?:hate|hated)\s+(?:being\s+alive|living|my\s+life\s+so\s+much)\b|\balive\s+and\s+i\s+(?:don't|dont|do\s+not)\s+want\s+to\s+be\b|\b(?:nobody|no\s*one)\s+(?:will|would|is\s+going\s+to)\s+miss\s+me\b|\b(?:i'm|im|i\s+am)\s+(?:just\s+)?a\s+burden\b[^.!?]{0,40}\b(?:want\s+out|better\s+off|gone|die|dead)\b|\b(?:want|wanna)\s+to\s+(?:just\s+)?(?:go\s+to\s+)?sleep\s+(?:forever|for\s+ever|and\s+not\s+wake)\b|\b(?:tablets|pills|meds)\s+(?:all\s+)?(?:lined\s+up|ready|counted\s+out)\b(?!\s+(?:for\s+(?:the\s+)?(?:week|morning|evening|day|holiday)|in\s+(?:my|the|a)\s+(?:\w+\s+)?(?:organiser|box|dosette)))/g,
    notAfter: NEGATED,
  },
  // Warning signs and indirect statements (third held-out batch).
  {
    when: /away|forward|scared|afraid|disappear|purpose|goodbye|suicide|face\s+another|kills?\s+me|woke|wake|pointless|meaningless|future|only|jumping|knife|blade|razor/,
    label: 'suicidal intent',
    pattern: new RegExp(
      [
        '\\bgiv(?:e|ing|en)\\s+(?:all\\s+)?(?:my\\s+)?(?:things|stuff|belongings|possessions)\\s+away\\b',
        '\\bgiv(?:e|ing|en)\\s+away\\s+(?:all\\s+)?my\\s+(?:things|stuff|belongings|possessions)\\b',
        '\\blooking\\s+forward\\s+to\\s+(?:dying|death|being\\s+dead|the\\s+end\\s+of\\s+my\\s+life)\\b',
        '\\bnot\\s+(?:scared|afraid|frightened)\\s+(?:of|to)\\s+(?:dying|die|death)\\s+any\\s*more\\b',
        '\\bwant\\s+to\\s+(?:just\\s+)?disappear\\s+(?:forever|for\\s+good|and\\s+never\\s+(?:come\\s+back|return|be\\s+found))\\b',
        '\\b(?:stopped|stopping|stop|quit)\\s+(?:taking\\s+)?(?:my\\s+)?(?:[\\w-]+\\s+){0,2}(?:meds|medication|tablets|pills|insulin|dialysis|treatment|immunosuppressants)\\s+on\\s+purpose\\b',
        '\\bthis\\s+is\\s+goodbye\\b|\\bgoodbye\\s+(?:forever|world|cruel\\s+world)\\b',
        '\\b(?:planning|planned|plan|plans\\s+for)\\s+(?:my|a)\\s+suicide\\b|\\bmy\\s+suicide\\s+(?:plan|note|attempt)\\b',
        "\\b(?:can't|cant|cannot)\\s+face\\s+(?:another|one\\s+more)\\s+(?:day|night|morning)\\b(?![\\s,]+(?:at|in)\\s+(?:work|the\\s+office|school))",
        '\\b(?:hope|hoping|wish)\\s+(?:the\\s+\\w+|it|this|something|someone|they|he|she|cancer)\\s+(?:just\\s+)?(?:kills|will\\s+kill|would\\s+kill)\\s+me\\b',
        "\\bwish\\s+i\\s+(?:hadn't|had\\s+not|didn't|did\\s+not|never)\\s+(?:woken|woke|wake)\\s+up\\b",
        '\\b(?:life|my\\s+life|living|existing|everything)\\s+is\\s+(?:so\\s+)?(?:pointless|meaningless|not\\s+worth\\s+it)\\b',
        '\\bno\\s+future\\s+for\\s+me\\b',
        '\\bonly\\s+(?:thing|reason|one|person)\\s+(?:stopping\\s+me|keeping\\s+me\\s+(?:alive|here))\\b',
        '\\bfeel(?:ing)?\\s+like\\s+jumping(?=\\s*(?:$|[.!,;]|off|from|in\\s+front))',
        '\\b(?:knife|blade|razor|scissors)\\s+(?:to|against|on|across)\\s+my\\s+(?:wrists?|arms?|throat|skin|legs?|thighs?)\\b',
      ].join('|'),
      'g',
    ),
    notAfter: NEGATED,
  },
  {
    when: /fatal|lethal|enough\s+to/,
    label: 'overdose',
    pattern: /\bhow\s+(?:much|many)\s+[^.?!]{0,40}?\b(?:would|will|is|are|to)\s+be\s+(?:fatal|lethal|enough\s+to\s+(?:die|kill\s+(?:me|myself|someone)))\b/g,
  },
  { when: /noose/, label: 'suicidal intent', pattern: /\b(?:tied|tying|made|making|bought|got)\s+(?:a|the|my)\s+noose\b/g },
  {
    when: /wake/,
    label: 'wish to die',
    pattern: /\b(?:want|wanna|wish|hope|like)\s+(?:to\s+)?(?:just\s+)?(?:go\s+to\s+)?sleep\s+and\s+(?:never|not)\s+wake\s+up\b/g,
    notAfter: NEGATED,
  },
  {
    when: /better|happier/,
    label: 'hopelessness',
    pattern:
      /\b(?:every(?:one|body)|they|my\s+(?:family|kids|children|wife|husband|partner|mum|dad|parents)|the\s+world|people)\s+(?:would|will|'d|'ll|d)\s+be\s+(?:better|happier)\s+(?:off\s+)?(?:if\s+i\s+(?:just\s+|simply\s+)?(?:was|were|wasn't|weren't|died|was\s+gone|were\s+gone|wasn't\s+here|weren't\s+here|didn't\s+exist)|with\s+me\s+gone|once\s+i'm\s+gone)\b/g,
  },
  {
    when: /point|reason|keep/,
    label: 'hopelessness',
    pattern:
      /\b(?:what's|whats|what\s+is)\s+the\s+point\s+(?:in|of)\s+(?:living|being\s+alive|going\s+on|carrying\s+on|me\s+being\s+here)\b|\bno\s+(?:reason|point)\s+(?:in\s+|to\s+)?(?:keep|keeping)\s+(?:living|going)\b|\b(?:can't|cant|cannot)\s+keep\s+living\b/g,
  },
  { when: /done/, label: 'hopelessness', pattern: /\b(?:i'm|im|i\s+am)\s+(?:so\s+|just\s+)?done\s+with\s+(?:life|living|being\s+alive)\b/g },
  {
    when: /sav|stockpil|hoard|stash|squirrel|stor|buil/,
    label: 'overdose',
    pattern:
      /\b(?:sav(?:e|ed|ing)|stockpil(?:e|ed|ing)|hoard(?:ed|ing)?|stash(?:ed|ing)?|squirrel(?:l?ed|l?ing)\s+away|storing\s+up|stored\s+up|build(?:ing)?\s+up|built\s+up)\s+(?:up\s+)?(?:all\s+)?(?:of\s+)?(?:my\s+|the\s+|enough\s+|a\s+(?:load|lot|stash)\s+of\s+|loads\s+of\s+|lots\s+of\s+)?(?:\w+\s+)?(?:pills|tablets|tabs|meds|medication|painkillers|paracetamol|co[\s-]?codamol|tramadol|codeine|morphine|insulin|sleeping\s+pills|antidepressants|oramorph|diazepam|zopiclone|amitriptyline)\b/g,
    notAfter: NEGATED,
    notBefore:
      /^\s+(?:in\s+(?:the\s+|a\s+|my\s+)?(?:\w+\s+)?(?:fridge|cupboard|box|case|bag|drawer|organiser|organizer|dosette|tin|container|pot)|for\s+(?:holiday|the\s+holiday|travel|my\s+trip|the\s+trip|emergencies|christmas|the\s+weekend)|just\s+in\s+case\s+of\s+(?:a\s+)?(?:strike|delay|shortage))\b/,
  },
  {
    when: /once|one\s+go|together/,
    label: 'overdose',
    pattern:
      /\b(?:to|going\s+to|gonna|want\s+to|wanna|plan\s+to|planning\s+to|will|i'll|about\s+to|ready\s+to)\s+(?:just\s+)?(?:take|swallow|neck|down)\s+(?:them|it|the\s+lot|everything|all\s+(?:of\s+)?(?:them|my\s+\w+|the\s+\w+))\s+(?:all\s+)?(?:at\s+once|in\s+one\s+go|together)\b/g,
    notAfter: NEGATED,
    notBefore: TAKEN_TOGETHER_ROUTINE,
  },
  {
    when: /\blot\b/,
    label: 'overdose',
    pattern: /\b(?:take|swallow|neck|down|took|swallowed|necked|downed|taking|swallowing)\s+the\s+(?:whole\s+)?lot\b/g,
    notAfter: /\b(?:you|he|she|they|don't|dont|never|not)\s+(?:[\w']+\s+){0,2}$/,
    notBefore: /^\s+(?:of\s+(?:food|it\s+back|them\s+back)|back|to\s+(?:the\s+)?(?:pharmacy|chemist|gp))\b/,
  },
  {
    label: 'suicidal intent',
    pattern: /\bthis\s+is\s+my\s+(?:last|final)\s+(?:post|goodbye)\b/g,
    notBefore: /^\s+(?:for|before|until|till|of|on|here\s+for|about|in)\b/,
  },
];

export const CRISIS_DETAIL_PREFIX = 'crisis language';

/**
 * Every pattern, unguarded, as one alternation: one pass that says whether any pattern can match at all. Most posts
 * match none, and one pass over the text is far cheaper than one per pattern.
 */
const ANY_PATTERN = new RegExp(PATTERNS.map((p) => `(?:${p.pattern.source})`).join('|'));

export function screenCrisis(n: NormalisedText): ScreenVerdict[] {
  if (!ANY_PATTERN.test(n.text)) return [];
  const matches = findGuarded(n, 'text', PATTERNS);
  if (matches.length === 0) return [];
  const { labels, spans } = summarise(matches);
  return [
    {
      action: 'hold',
      source: 'crisis',
      urgent: true,
      clauseKey: CLAUSE.lookOutForEachOther,
      detail: `${CRISIS_DETAIL_PREFIX}: ${labels.join(', ')}`,
      spans,
    },
  ];
}
