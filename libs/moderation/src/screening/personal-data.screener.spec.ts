import { normalise } from './normalise';
import { isValidNhsNumber, personalDataIn, screenPersonalData } from './personal-data.screener';

const kinds = (text: string): string[] => screenPersonalData(normalise(text)).map((v) => v.detail);
const matched = (text: string): string[] => screenPersonalData(normalise(text)).flatMap((v) => (v.spans ?? []).map((s) => text.slice(s.start, s.end)));

describe('screenPersonalData', () => {
  it.each([
    ['call me on 07700 900123', 'UK mobile number', '07700 900123'],
    ['my number is 07700900123', 'UK mobile number', '07700900123'],
    ['ring +44 7700 900123 after 6', 'UK mobile number', '+44 7700 900123'],
    ['+44 (0)7700 900123', 'UK mobile number', '+44 (0)7700 900123'],
    ['(07700) 900-123', 'UK mobile number', '(07700) 900-123'],
    ['07700.900.123', 'UK mobile number', '07700.900.123'],
    ['0044 7700 900123', 'UK mobile number', '0044 7700 900123'],
    ['call ０７７００ ９００１２３', 'UK mobile number', '０７７００ ９００１２３'],
    ['07\u200B700 900 123', 'UK mobile number', '07\u200B700 900 123'],
    ['home phone 020 7946 0958', 'UK landline number', '020 7946 0958'],
    ['0161 496 0000', 'UK landline number', '0161 496 0000'],
    ['+44 161 496 0000', 'UK landline number', '+44 161 496 0000'],
    ['01632 960123', 'UK landline number', '01632 960123'],
    ['email me jo.bloggs+kidney@example.co.uk', 'email address', 'jo.bloggs+kidney@example.co.uk'],
    ['JO@EXAMPLE.COM', 'email address', 'JO@EXAMPLE.COM'],
    ['jo [at] example [dot] com', 'email address', 'jo [at] example [dot] com'],
    ['jo at gmail dot com', 'email address', 'jo at gmail dot com'],
    ['my NHS number is 943 476 5919', 'NHS number', '943 476 5919'],
    ['NHS no 9434765919', 'NHS number', '9434765919'],
    ['943-476-5919', 'NHS number', '943-476-5919'],
    ['401 023 2137', 'NHS number', '401 023 2137'],
    ['I live near SW1A 1AA', 'postcode', 'SW1A 1AA'],
    ['m1 1ae is my postcode', 'postcode', 'm1 1ae'],
    ['B33 8TH', 'postcode', 'B33 8TH'],
    ['sw1a1aa', 'postcode', 'sw1a1aa'],
    ['I live at 12 Acacia Avenue', 'street address', '12 Acacia Avenue'],
    ['221b Baker Street', 'street address', '221b Baker Street'],
    ['flat 3, 14 Old Mill Lane', 'street address', '14 Old Mill Lane'],
    ['7 Park Road', 'street address', '7 Park Road'],
    ['come to 3 Rose Crescent', 'street address', '3 Rose Crescent'],
    // written to get past a filter
    ['07700/900/123', 'UK mobile number', '07700/900/123'],
    ['07700   900123', 'UK mobile number', '07700   900123'],
    ['O77OO 9OO123', 'UK mobile number', 'O77OO 9OO123'],
    ['o77oo-9oo-l23', 'UK mobile number', 'o77oo-9oo-l23'],
    ['٠٧٧٠٠ ٩٠٠١٢٣', 'UK mobile number', '٠٧٧٠٠ ٩٠٠١٢٣'],
    ['call 𝟎𝟕𝟕𝟎𝟎 𝟗𝟎𝟎𝟏𝟐𝟑', 'UK mobile number', '𝟎𝟕𝟕𝟎𝟎 𝟗𝟎𝟎𝟏𝟐𝟑'],
    ['07700_900_123', 'UK mobile number', '07700_900_123'],
    ['0 7 7 0 0 9 0 0 1 2 3', 'UK mobile number', '0 7 7 0 0 9 0 0 1 2 3'],
    ['07700 🌸 900 🌸 123', 'UK mobile number', '07700 🌸 900 🌸 123'],
    ['0770-090-0123', 'UK mobile number', '0770-090-0123'],
    ['zero seven seven zero zero nine zero zero one two three', 'UK mobile number', 'zero seven seven zero zero nine zero zero one two three'],
    ['oh seven seven double oh, nine double oh, one two three', 'UK mobile number', 'oh seven seven double oh, nine double oh, one two three'],
    ['07700 nine hundred', 'UK mobile number', null],
    ['+44 (0) 7700-900-123', 'UK mobile number', '+44 (0) 7700-900-123'],
    ['0161.496.0000', 'UK landline number', '0161.496.0000'],
    ['943.476.5919', 'NHS number', '943.476.5919'],
    ['943 - 476 - 5919', 'NHS number', '943 - 476 - 5919'],
    ['943/476/5919', 'NHS number', '943/476/5919'],
    ['nine four three four seven six five nine one nine', 'NHS number', 'nine four three four seven six five nine one nine'],
    ['sam @ example.org', 'email address', 'sam @ example.org'],
    ['sam@example . org', 'email address', 'sam@example . org'],
    ['sam at kindredmail dot org', 'email address', 'sam at kindredmail dot org'],
    ['sam(at)example(dot)org', 'email address', 'sam(at)example(dot)org'],
    ['sam (at) example (dot) co (dot) uk', 'email address', 'sam (at) example (dot) co (dot) uk'],
    ['sam.jones at outlook.com', 'email address', 'sam.jones at outlook.com'],
    ['ѕam@exаmple.org', 'email address', 'ѕam@exаmple.org'],
    ['SW1A-1AA', 'postcode', 'SW1A-1AA'],
  ])('finds %j', (text, kind, value) => {
    expect(kinds(text)).toEqual(value === null ? [] : [kind]);
    expect(matched(text)).toEqual(value === null ? [] : [value]);
  });

  it.each([
    'my next clinic is 12/03/2024',
    'appointment 2024-03-12',
    'dialysis starts at 07:30',
    'eGFR 15 and creatinine 450',
    'potassium 5.8 this morning',
    'phosphate 1.85 mmol/l',
    '500 mg twice a day',
    'I take B12 5mg daily',
    'I was diagnosed in 2019',
    'room 12',
    'room 01234',
    'random 1234567890',
    '943 476 5910 is not valid',
    '0000000000',
    'took 2 tablets on the way',
    'a 5 minute walk',
    'a 2 hour drive home',
    'I lost 3 stone',
    'my weight is 75.5 kg',
    'Samaritans 116 123',
    'NHS 111',
    'Shout: text SHOUT to 85258',
    '0800 123 4567',
    'e.g. the renal unit',
    'a fee of 12.3456789012',
    'I did 2 laps of the park',
    'my phone is off today',
    'see you at the clinic',
    'version 07700',
    // helplines, doses, lab values, dates and times
    'Samaritans on 116 123, any time',
    'ring 111 or 999 in an emergency',
    'text SHOUT to 85258',
    '0808 801 0000',
    'Mind infoline 0300 123 3393',
    '0300 123 1234',
    'I take 500 mg twice daily',
    'eGFR 45, creatinine 180, urea 12.3',
    'potassium 5.2 on 12/03/2025',
    'appointment at 14:30 on 07/03/2025',
    'dialysis 07:00 - 11:00, 07/04/2025',
    'bloods on 12.03.2025 at 9.30am',
    'BP 140/90, 135/85, 128/80',
    'weights 72.4, 71.9, 72.1, 72.6 kg',
    'my transplant was in 2019 and my dialysis started 2016',
    'I look at nhs.uk a lot',
    'I was at kidneycareuk.org earlier',
    'meet at 10 dot on the clock',
    'oh no, oh well',
    'three or four times a week',
    'tacrolimus level 7.2 and 9 last week',
  ])('does not fire on %j', (text) => {
    expect(screenPersonalData(normalise(text))).toEqual([]);
  });

  it('holds with one reason per kind, citing stay-unidentifiable, without the value in the detail', () => {
    const text = 'Text me on 07700 900123 or 07700 900456, NHS 943 476 5919';
    expect(screenPersonalData(normalise(text))).toEqual([
      {
        action: 'hold',
        source: 'personal-data',
        clauseKey: 'stay-unidentifiable',
        detail: 'UK mobile number',
        spans: [
          { start: 11, end: 23 },
          { start: 27, end: 39 },
        ],
      },
      {
        action: 'hold',
        source: 'personal-data',
        clauseKey: 'stay-unidentifiable',
        detail: 'NHS number',
        spans: [{ start: 45, end: 57 }],
      },
    ]);
  });
});

describe('isValidNhsNumber', () => {
  it.each([
    ['9434765919', true],
    ['4010232137', true],
    ['4505577104', true],
    ['9434765910', false],
    ['1234567890', false],
    ['0000000000', false],
    ['943476591', false],
    ['94347659190', false],
    ['94347659a9', false],
  ])('%s → %s', (digits, valid) => {
    expect(isValidNhsNumber(digits)).toBe(valid);
  });
});

describe('personalDataIn', () => {
  it.each<[string, string[]]>([
    ['Sam 07700 900123', ['UK mobile number']],
    ['O77OO 9OO123', ['UK mobile number']],
    ['sam at kindredmail dot org', ['email address']],
    ['Sam from SW1A 1AA', ['postcode']],
    ['ѕupA', []],
    ['Sam (kidney, 2019)', []],
    ['Samaritans fan 116 123', []],
  ])('%j → %j', (text, kinds) => {
    expect(personalDataIn(text)).toEqual(kinds);
  });
});
