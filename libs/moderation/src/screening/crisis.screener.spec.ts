import { screenCrisis } from './crisis.screener';
import { normalise } from './normalise';

const crisis = (text: string) => screenCrisis(normalise(text));

describe('screenCrisis', () => {
  it.each([
    ['I want to kill myself', 'suicidal intent'],
    ["i'm going to end it all", 'suicidal intent'],
    ['I don’t want to be alive anymore', 'not wanting to live'],
    ['I keep thinking about ending my life', 'suicidal intent'],
    ['i want to die', 'wish to die'],
    ['I WANT TO DIE', 'wish to die'],
    ['i wanna die', 'wish to die'],
    ["Honestly there's no reason to live", 'hopelessness'],
    ["I've taken all my pills", 'overdose'],
    ['I took a whole box of paracetamol', 'overdose'],
    ["I've overdosed", 'overdose'],
    ["I'm going to hurt myself tonight", 'self-harm'],
    ["I've been cutting again", 'self-harm'],
    ["I've started self-harming again", 'self-harm'],
    ["They'd all be better off without me", 'hopelessness'],
    ["I can't go on anymore", 'hopelessness'],
    ["I can't do this any more", 'hopelessness'],
    ["I'm planning to stop dialysis so I die", 'wish to die'],
    ["I'd rather stop dialysis and die", 'wish to die'],
    ['I wish I was dead', 'wish to die'],
    ["I'd rather be dead", 'wish to die'],
    ['Life on dialysis isn’t worth living', 'hopelessness'],
    ['I have nothing left to live for', 'hopelessness'],
    ['I feel suicidal', 'suicidal intent'],
    ["I've been having suicidal thoughts", 'suicidal intent'],
    ['I just want to end it', 'suicidal intent'],
    ['I keep thinking about killing myself', 'suicidal intent'],
    ['Nobody would care if I was gone', 'hopelessness'],
    ['I hope I don’t wake up tomorrow', 'wish to die'],
    ["I'm not going to lie, I want to kill myself", 'suicidal intent'],
    // evasion
    ['k1ll mys3lf', 'suicidal intent'],
    ['I want to k\u200Bill my\u200Bself', 'suicidal intent'],
    ['I want to ｋｉｌｌ ｍｙｓｅｌｆ', 'suicidal intent'],
    ['Ι wаnt tο dіe', 'wish to die'],
    ['kill my self', 'suicidal intent'],
    ['I w4nt t0 d1e', 'wish to die'],
    ['k i l l myself', 'suicidal intent'],
    ['kill-myself', 'suicidal intent'],
    ['k.i.l.l m.y.s.e.l.f', 'suicidal intent'],
    ['i w a n t t o d i e', 'wish to die'],
    ['𝐤𝐢𝐥𝐥 𝐦𝐲𝐬𝐞𝐥𝐟', 'suicidal intent'],
    // current euphemisms and indirect statements
    ['I just want to unalive myself', 'suicidal intent'],
    ["I'm going to unalive tonight", 'suicidal intent'],
    ['honestly kms', 'suicidal intent'],
    ['I want to kms', 'suicidal intent'],
    ['thinking about sewer slide again', 'suicidal intent'],
    ['sewerslide is on my mind', 'suicidal intent'],
    ['I want to self delete', 'suicidal intent'],
    ['ready to ctb', 'suicidal intent'],
    ["I've written my goodbye letters", 'suicidal intent'],
    ['left goodbye notes for the kids', 'suicidal intent'],
    ['I keep thinking of jumping off the bridge', 'suicidal intent'],
    ['I want to go to sleep and never wake up', 'wish to die'],
    ['Everyone would be better off if I was gone', 'hopelessness'],
    ["what's the point in living", 'hopelessness'],
    ["I'm done with life", 'hopelessness'],
    ['I have saved up all my tablets to take them all at once', 'overdose'],
    ["I've been stockpiling my oramorph", 'overdose'],
    ["I've been hoarding painkillers", 'overdose'],
    ['going to take them all at once tonight', 'overdose'],
    ['I could just swallow the lot', 'overdose'],
    // aimed at someone else: abuse, and its target may be at risk
    ['kys', 'telling someone to kill themselves'],
    ['just go kill yourself', 'telling someone to kill themselves'],
    ['k y s', 'telling someone to kill themselves'],
  ])('fires on %j', (text, label) => {
    expect(crisis(text)).toEqual([
      {
        action: 'hold',
        source: 'crisis',
        urgent: true,
        clauseKey: 'look-out-for-each-other',
        detail: `crisis language: ${label}`,
        spans: expect.any(Array),
      },
    ]);
  });

  it.each([
    // idioms
    'this queue is killing me',
    'dying to know how your transplant went',
    'I could kill for a coffee',
    'my feet are killing me',
    'that joke killed me',
    'I nearly died laughing',
    "I'm dying for a cup of tea",
    'I was killing myself laughing',
    "I'm killing myself trying to stick to my fluid limit",
    "I'd rather die than eat another low-potassium meal",
    // other people, past
    'my aunt died of kidney failure',
    'my friend killed himself years ago',
    'she said she wanted to die',
    // news and medical talk
    'dialysis patients have higher mortality',
    'Suicide prevention week starts Monday',
    "I'm scared I'll die waiting for a kidney",
    // negated
    "I don't want to die",
    'I would never kill myself',
    "I'm not suicidal, just tired",
    "I'm not going to kill myself, don't worry",
    // ordinary life that shares words
    "I've taken all my pills for today",
    'I forgot to take all my tablets',
    'did you take all the tablets?',
    "I don't want to live in London",
    "I can't go on holiday this year",
    'I cut myself shaving',
    'I hurt myself at the gym',
    "I'm going to end it with my boyfriend",
    "I've been cutting down on salt",
    "I'm so tired of living with this fatigue",
    'this is my last post before surgery',
    'I want to take my life back',
    'the dialysis session ended early',
    'My kidney function is dying slowly, says my consultant',
    'I could kill for a cup of tea',
    "I'd kill to sleep through the night",
    'this heat is killing me',
    'dead tired after dialysis',
    'I nearly died of embarrassment',
    "I'm dying to know what the consultant said",
    'walked 5 kms today',
    'ran a few kms yesterday',
    'collecting my meds from the pharmacy',
    'saving my tablets in the fridge for the holiday',
    'I take them all at once with breakfast',
    'topping myself up with fluids',
    'you nearly killed yourself laughing',
    "the pharmacist said don't take the lot at once",
    "I don't want to unalive myself, I'm just low",
    'my goodbye to the renal unit was emotional',
    'the dot com boom',
  ])('does not fire on %j', (text) => {
    expect(crisis(text)).toEqual([]);
  });

  it('reports every distinct kind once, with spans in the original text', () => {
    const original = 'I want to die. I\u200Bve taken all my pills.';
    const [verdict] = crisis(original);
    expect(verdict?.detail).toBe('crisis language: wish to die, overdose');
    expect(verdict?.spans?.map((s) => original.slice(s.start, s.end))).toEqual(['I want to die', 'taken all my pills']);
  });
});
