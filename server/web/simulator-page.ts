import { render } from './views';

/**
 * The simulator page: `views/simulator.eta`, `static/simulator.css` and `static/simulator.js`
 * (plain JavaScript, no CDN and no build step).
 */
export interface SimulatorPageInput {
  /** The demo restaurant's name, or null when it is not set up. */
  restaurantName: string | null;
  defaultWaId: string;
}

/** "La Hamburguesería de la 80" → "LH": the avatar of a business without a photo. */
function initials(name: string): string {
  const words = name.split(/\s+/).filter((w) => /^\p{Lu}/u.test(w));
  return (words.length ? words : [name]).slice(0, 2).map((w) => w[0]).join('').toUpperCase();
}

export function simulatorPage(input: SimulatorPageInput): string {
  const name = input.restaurantName ?? 'Restaurante de demostración';
  return render('simulator', { name, initials: initials(name), defaultWaId: input.defaultWaId, demoReady: input.restaurantName !== null });
}
