/**
 * The audible cue of a scan that did not go in (unknown code, failed lookup, cut-off burst):
 * a short low tone from Web Audio, so a cashier looking at the customer hears it. No sound
 * file (nothing to download, nothing for the CSP to allow). Without an audio device the
 * message on screen still says what happened.
 */
let context: AudioContext | null = null;

export function scanFailedCue(): void {
  try {
    context ??= new AudioContext();
    const tone = context.createOscillator();
    const gain = context.createGain();
    tone.type = 'square';
    tone.frequency.value = 220;
    gain.gain.value = 0.12;
    tone.connect(gain).connect(context.destination);
    tone.start();
    tone.stop(context.currentTime + 0.25);
  } catch {
    // No audio output (or audio blocked): the error notice is the cue.
  }
}
