// seedrandom's Alea generator, imported directly so bundles never see seedrandom's optional
// `require('crypto')` (only its auto-seeding uses it, and Lacuna always seeds explicitly).
declare module 'seedrandom/lib/alea.js' {
  interface AleaState {
    c: number;
    s0: number;
    s1: number;
    s2: number;
  }
  interface AleaPrng {
    (): number;
    int32(): number;
    double(): number;
    quick(): number;
    state(): AleaState;
  }
  function alea(seed: string, options: { state: true | AleaState }): AleaPrng;
  export = alea;
}
