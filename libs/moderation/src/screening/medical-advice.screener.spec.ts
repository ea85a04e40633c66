import { screenMedicalAdvice } from './medical-advice.screener';
import { normalise } from './normalise';

const advice = (text: string) => screenMedicalAdvice(normalise(text));
const STOP = 'instruction to stop or skip treatment';
const CHANGE = 'instruction to change a dose';
const NOT_TAKE = 'instruction not to take treatment';

describe('screenMedicalAdvice', () => {
  it.each([
    ['you should stop taking your tacrolimus', STOP, 'you should stop taking your tacrolimus'],
    ['Double your dose.', CHANGE, 'Double your dose'],
    ["don't bother with dialysis", NOT_TAKE, "don't bother with dialysis"],
    ['just skip your binders', STOP, 'just skip your binders'],
    ['you need to come off the steroids', STOP, 'you need to come off the steroids'],
    ['try taking twice as much', CHANGE, 'try taking twice as much'],
    ["you shouldn't take your meds", NOT_TAKE, "you shouldn't take your meds"],
    ['stop your medication', STOP, 'stop your medication'],
    ["Stop taking tacrolimus, it's poison", STOP, 'Stop taking tacrolimus'],
    ['You should just stop taking them', STOP, 'You should just stop taking them'],
    ["Why don't you just stop taking them?", STOP, "Why don't you just stop taking them"],
    ['you could halve your prednisolone', CHANGE, 'you could halve your prednisolone'],
    ['honestly, ditch the binders', STOP, 'ditch the binders'],
    ["you don't need dialysis", NOT_TAKE, "you don't need dialysis"],
    ["If I were you I'd stop taking the steroids", STOP, "I'd stop taking the steroids"],
    ['you must reduce your dose', CHANGE, 'you must reduce your dose'],
    ['you ought to skip your evening tablets', STOP, 'you ought to skip your evening tablets'],
    ['just up the dose', CHANGE, 'just up the dose'],
    ['you should take double the dose', CHANGE, 'you should take double the dose'],
    ['Try skipping your binders for a week', STOP, 'Try skipping your binders'],
    ["you don't have to take the binders", NOT_TAKE, "you don't have to take the binders"],
    ['My view: skip a dialysis session now and then', STOP, 'skip a dialysis session'],
    ['you can just stop your statins', STOP, 'you can just stop your statins'],
    ['I know it is hard. Reduce your fluid restriction a bit', CHANGE, 'Reduce your fluid restriction'],
    ['throw the statins in the bin', STOP, 'throw the statins in'],
    ['cut your prednisolone dose in half', CHANGE, 'cut your prednisolone dose in half'],
    ['you need to cut your insulin right down', CHANGE, 'you need to cut your insulin right down'],
    ['take 2 extra furosemide when you swell', CHANGE, 'take 2 extra furosemide'],
    ['you really need to stop taking the tacrolimus', STOP, 'you really need to stop taking the tacrolimus'],
    ['skip your Friday dialysis, one won’t hurt', STOP, 'skip your Friday dialysis'],
    ['never take the prescribed dose, always take less', CHANGE, 'always take less'],
    ['u should stop ur meds', STOP, 'u should stop ur meds'],
    // evasion
    ['YOU SHOULD STOP TAKING YOUR TACROLIMUS', STOP, 'YOU SHOULD STOP TAKING YOUR TACROLIMUS'],
    ['you sh\u200Bould st0p taking y0ur meds', STOP, 'you sh\u200Bould st0p taking y0ur meds'],
    ['ｄｏｕｂｌｅ ｙｏｕｒ ｄｏｓｅ', CHANGE, 'ｄｏｕｂｌｅ ｙｏｕｒ ｄｏｓｅ'],
    ['you should stop taking your tacrolimus and not tell your doctor', STOP, 'you should stop taking your tacrolimus'],
  ])('fires on %j', (text, label, value) => {
    const verdicts = advice(text);
    expect(verdicts).toEqual([
      {
        action: 'hold',
        source: 'medical-advice',
        clauseKey: 'experience-not-instructions',
        detail: `treatment advice: ${label}`,
        spans: expect.any(Array),
      },
    ]);
    expect(verdicts[0]?.spans?.map((s) => text.slice(s.start, s.end))).toEqual([value]);
  });

  it.each([
    // own experience
    'my consultant changed my dose',
    'I stopped taking it after talking to my renal team',
    'I was told to double my dose',
    'I just skip my binders when I eat out',
    'I just stop taking them when I feel sick',
    'My renal team reduced my tacrolimus last month',
    'I had to come off the steroids',
    "I'd love to stop taking these pills one day",
    'We decided together to stop dialysis',
    // pointing to the clinical team
    'you should ask your renal nurse about it',
    'you should speak to your GP',
    'you should talk to your pharmacist before you change your dose',
    'Ask your consultant if you can reduce your dose',
    "don't stop taking your meds without talking to your team",
    'Check with your transplant coordinator before you skip anything',
    // questions
    'should I stop taking it?',
    'Has anyone tried stopping their statins?',
    'did your team double your dose?',
    'Should you stop your binders on holiday?',
    // encouragement to keep going
    'you should never skip your binders',
    'you should take your meds on time',
    "don't skip your dialysis sessions",
    // conditional or descriptive
    'If you stop taking tacrolimus you risk rejection',
    'When you miss dialysis you feel awful',
    // the same verbs about other things
    'you should stop worrying so much',
    'stop by the unit on Monday',
    'you need to drink more water',
    'you should get some rest',
    'just skip the queue and go to reception',
    'Double your chances by entering twice',
  ])('does not fire on %j', (text) => {
    expect(advice(text)).toEqual([]);
  });

  it('lists each kind of instruction once, in order of appearance', () => {
    const [verdict] = advice('Stop your tacrolimus. Double your pred. Stop your binders too.');
    expect(verdict?.detail).toBe(`treatment advice: ${STOP}, ${CHANGE}`);
    expect(verdict?.spans).toHaveLength(3);
  });
});
