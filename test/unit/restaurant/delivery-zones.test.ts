import type { TDomiciliosRecord } from '../../../server/db/restaurant-records';
import { barriosInAddress, distanceKm, matchZone, quoteDelivery } from '../../../server/restaurant/delivery-zones';

// The example.
const domicilios: TDomiciliosRecord = {
  ubicacion: { latitud: 4.6486, longitud: -74.0628 },
  recoger: true,
  zonas: [
    { nombre: 'Chapinero', barrios: ['Chapinero', 'Chapinero Alto'], tarifa: 5000, minimo: 20000, gratisDesde: 80000 },
    { nombre: 'Cerca', radioKm: 3, tarifa: 4000, minimo: 15000 },
  ],
};
/** A point `km` north of the restaurant (1° of latitude ≈ 111.2 km). */
const north = (km: number) => ({ latitud: 4.6486 + km / 111.195, longitud: -74.0628 });

describe('distance', () => {
  it('measures great-circle distance in km', () => {
    expect(distanceKm(north(0), north(0))).toBe(0);
    expect(distanceKm(north(0), north(2))).toBeCloseTo(2, 2);
    // Bogotá (Plaza de Bolívar) to Medellín (Parque Berrío): about 240 km.
    expect(distanceKm({ latitud: 4.5981, longitud: -74.0758 }, { latitud: 6.2502, longitud: -75.5685 })).toBeCloseTo(246, -1);
  });
});

describe('finding the zone of an address', () => {
  it('matches a barrio in the typed address regardless of accents, case and punctuation', () => {
    expect(matchZone(domicilios, { direccion: 'Calle 57 # 9-20, barrio CHAPINERO, apto 301' })).toMatchObject({ status: 'matched', by: 'barrio', barrio: 'Chapinero', zone: { nombre: 'Chapinero' } });
    expect(matchZone(domicilios, { direccion: 'cra 4 #66-10 chapinero alto' })).toMatchObject({ status: 'matched', barrio: 'Chapinero Alto' });
  });

  it('forgives one typo in a longer name, but not a different first letter', () => {
    expect(matchZone(domicilios, { direccion: 'calle 60 chapinerro' })).toMatchObject({ status: 'matched', barrio: 'Chapinero' });
    const rosales: TDomiciliosRecord = { recoger: false, zonas: [{ nombre: 'Norte', barrios: ['Rosales'], tarifa: 6000 }] };
    expect(matchZone(rosales, { direccion: 'calle 72 # 5-10 rosale' })).toMatchObject({ status: 'matched', barrio: 'Rosales' });
    expect(matchZone(rosales, { direccion: 'calle 72 # 5-10 Morales' })).toEqual({ status: 'outside', recoger: false });
  });

  it('reads the longer barrio first, so "Chapinero Alto" in another zone is not "Chapinero"', () => {
    const split: TDomiciliosRecord = {
      recoger: false,
      zonas: [
        { nombre: 'Centro', barrios: ['Chapinero'], tarifa: 5000 },
        { nombre: 'Cerros', barrios: ['Barrio Chapinero Alto'], tarifa: 7000 },
      ],
    };
    expect(matchZone(split, { direccion: 'Cl 65 # 3-20 Chapinero Alto' })).toMatchObject({ status: 'matched', zone: { nombre: 'Cerros' }, barrio: 'Barrio Chapinero Alto' });
    expect(matchZone(split, { direccion: 'Cl 60 # 13-20 Chapinero' })).toMatchObject({ status: 'matched', zone: { nombre: 'Centro' } });
    expect(barriosInAddress(split, 'chapinero alto').map((m) => m.barrio)).toEqual(['Barrio Chapinero Alto']);
  });

  it('says ambiguous when the address names barrios of two zones', () => {
    const two: TDomiciliosRecord = { recoger: true, zonas: [{ nombre: 'A', barrios: ['Teusaquillo'], tarifa: 4000 }, { nombre: 'B', barrios: ['Galerías'], tarifa: 6000 }] };
    expect(matchZone(two, { direccion: 'Galerias, cerca a Teusaquillo' })).toEqual({
      status: 'ambiguous',
      candidates: expect.arrayContaining([{ zona: 'A', barrio: 'Teusaquillo' }, { zona: 'B', barrio: 'Galerías' }]),
    });
  });

  it('reads common short forms of barrio words', () => {
    const santa: TDomiciliosRecord = { recoger: false, zonas: [{ nombre: 'Sur', barrios: ['Santa Isabel', 'Urbanización Los Pinos'], tarifa: 3000 }] };
    expect(matchZone(santa, { direccion: 'Kr 30 # 1-20 Sta Isabel' })).toMatchObject({ status: 'matched', barrio: 'Santa Isabel' });
    expect(matchZone(santa, { direccion: 'casa 4, urb los pinos' })).toMatchObject({ status: 'matched', barrio: 'Urbanización Los Pinos' });
  });

  it('matches a pin by distance, the smallest radius that contains it winning', () => {
    const rings: TDomiciliosRecord = { ...domicilios, zonas: [{ nombre: 'Lejos', radioKm: 6, tarifa: 8000 }, { nombre: 'Cerca', radioKm: 3, tarifa: 4000 }] };
    expect(matchZone(rings, { ubicacion: north(1) })).toMatchObject({ status: 'matched', by: 'distancia', zone: { nombre: 'Cerca' } });
    expect(matchZone(rings, { ubicacion: north(4) })).toMatchObject({ status: 'matched', zone: { nombre: 'Lejos' } });
    const far = matchZone(rings, { ubicacion: north(7) });
    expect(far).toMatchObject({ status: 'outside', recoger: true });
    expect(far.status === 'outside' && far.distanciaKm).toBeCloseTo(7, 1);
  });

  it('prefers a barrio named in the address over the pin', () => {
    expect(matchZone(domicilios, { direccion: 'Chapinero', ubicacion: north(1) })).toMatchObject({ by: 'barrio', zone: { nombre: 'Chapinero' } });
    expect(matchZone(domicilios, { direccion: 'Calle 80 # 11-20', ubicacion: north(1) })).toMatchObject({ by: 'distancia', zone: { nombre: 'Cerca' } });
  });

  it('asks for a pin when no barrio matches and zones go by distance; else says outside, with pickup when offered', () => {
    expect(matchZone(domicilios, { direccion: 'Calle 80 # 11-20' })).toEqual({ status: 'needs_location' });
    const onlyBarrios: TDomiciliosRecord = { recoger: false, zonas: [domicilios.zonas![0]!] };
    expect(matchZone(onlyBarrios, { direccion: 'Calle 80 # 11-20 Usaquén' })).toEqual({ status: 'outside', recoger: false });
    expect(matchZone({ recoger: true, zonas: [] }, { direccion: 'Chapinero' })).toEqual({ status: 'outside', recoger: true });
  });
});

describe('the delivery fee', () => {
  it('charges the zone fee, refuses below the minimum, and is free from gratisDesde', () => {
    const where = { direccion: 'Chapinero Alto' };
    expect(quoteDelivery(domicilios, { ...where, subtotal: 30000 })).toEqual({ status: 'ok', zona: 'Chapinero', tarifa: 5000, gratis: false, minimo: 20000, falta: 0, faltaParaGratis: 50000 });
    expect(quoteDelivery(domicilios, { ...where, subtotal: 15000 })).toEqual({ status: 'below_minimum', zona: 'Chapinero', tarifa: 5000, gratis: false, minimo: 20000, falta: 5000, faltaParaGratis: 65000 });
    expect(quoteDelivery(domicilios, { ...where, subtotal: 20000 })).toMatchObject({ status: 'ok', falta: 0 });
    expect(quoteDelivery(domicilios, { ...where, subtotal: 79999 })).toMatchObject({ tarifa: 5000, gratis: false, faltaParaGratis: 1 });
    expect(quoteDelivery(domicilios, { ...where, subtotal: 80000 })).toMatchObject({ status: 'ok', tarifa: 0, gratis: true, faltaParaGratis: null });
  });

  it('uses the pin zone fee and has no free delivery where the zone offers none', () => {
    expect(quoteDelivery(domicilios, { ubicacion: north(2), subtotal: 200000 })).toEqual({ status: 'ok', zona: 'Cerca', tarifa: 4000, gratis: false, minimo: 15000, falta: 0, faltaParaGratis: null });
  });

  it('passes on why there is no fee: outside, ambiguous or a pin needed', () => {
    expect(quoteDelivery(domicilios, { ubicacion: north(10), subtotal: 30000 })).toMatchObject({ status: 'outside', recoger: true });
    expect(quoteDelivery(domicilios, { direccion: 'Calle 80', subtotal: 30000 })).toEqual({ status: 'needs_location' });
  });

  it('charges nothing and checks nothing without domicilios', () => {
    expect(quoteDelivery(undefined, { direccion: 'anywhere', subtotal: 1000 })).toEqual({ status: 'ok', zona: null, tarifa: 0, gratis: false, minimo: 0, falta: 0, faltaParaGratis: null });
  });
});
