// The hot desk prompts and results in the languages a user can choose (en, fr, de, es). The display
// follows the logged-in user's language; a userless set speaks English, which is also what scenario
// files match on (`No User Logged In`). Text is kept within 20 columns so the 2 x 20 sets show it whole.

export const LANGUAGES = ['en', 'fr', 'de', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface HotdeskStrings {
  noUser: string;
  enterExt: string;
  enterPin: string;
  loggingIn: string;
  wrongPin: (attemptsLeft: number) => string;
  invalidPin: string;
  locked: string;
  lockedFor: (minutes: number) => string;
  unknownExt: string;
  notHotdeskUser: string;
  /** The set's COS has no Hot Desk Login Accept. */
  loginNotAccepted: string;
  loginFailed: string;
  loggingOut: string;
  loggedOut: string;
  logoutConfirm: string;
  logoutPending: string;
  logoutRefused: string;
  callRinging: string;
  notAllowed: string;
  remoteDone: (ext: string) => string;
  /** Why the server logged the user out (logout-notice reason). */
  reason: Record<'user' | 'remote' | 'auto' | 'scheduled' | 'login-elsewhere' | 'failover-version', string>;
  invalidCode: string;
}

const en: HotdeskStrings = {
  noUser: 'No User Logged In',
  enterExt: 'Enter Extension:',
  enterPin: 'Enter PIN:',
  loggingIn: 'Logging in...',
  wrongPin: (n) => `${n} attempts left`,
  invalidPin: 'Invalid PIN',
  locked: 'User Locked',
  lockedFor: (m) => `Try in ${m} min`,
  unknownExt: 'Unknown Extension',
  notHotdeskUser: 'Not Hot Desk User',
  loginNotAccepted: 'Login Not Allowed',
  loginFailed: 'Login Failed',
  loggingOut: 'Logging out...',
  loggedOut: 'Logged Out',
  logoutConfirm: 'Logout?',
  logoutPending: 'Logout Pending',
  logoutRefused: 'Logout Refused',
  callRinging: 'Call Ringing',
  notAllowed: 'Not Allowed',
  remoteDone: (ext) => `${ext} Logged Out`,
  reason: {
    user: 'Logged Out',
    remote: 'Remote Logout',
    auto: 'Auto Logout',
    scheduled: 'Scheduled Logout',
    'login-elsewhere': 'Logged In Elsewhere',
    'failover-version': 'Version Mismatch',
  },
  invalidCode: 'Invalid Code',
};

const fr: HotdeskStrings = {
  noUser: 'Aucun utilisateur',
  enterExt: 'Entrer poste:',
  enterPin: 'Entrer NIP:',
  loggingIn: 'Connexion...',
  wrongPin: (n) => `${n} essais restants`,
  invalidPin: 'NIP invalide',
  locked: 'Utilisateur bloque',
  lockedFor: (m) => `Reessayer ${m} min`,
  unknownExt: 'Poste inconnu',
  notHotdeskUser: 'Pas usager Hot Desk',
  loginNotAccepted: 'Connexion refusee',
  loginFailed: 'Echec connexion',
  loggingOut: 'Deconnexion...',
  loggedOut: 'Deconnecte',
  logoutConfirm: 'Deconnecter?',
  logoutPending: 'Deconnexion differee',
  logoutRefused: 'Deconnexion refusee',
  callRinging: 'Appel entrant',
  notAllowed: 'Non autorise',
  remoteDone: (ext) => `${ext} deconnecte`,
  reason: {
    user: 'Deconnecte',
    remote: 'Deconnexion distante',
    auto: 'Deconnexion auto',
    scheduled: 'Deconnexion prevue',
    'login-elsewhere': 'Connecte ailleurs',
    'failover-version': 'Version differente',
  },
  invalidCode: 'Code invalide',
};

const de: HotdeskStrings = {
  noUser: 'Kein Benutzer',
  enterExt: 'Nebenstelle:',
  enterPin: 'PIN eingeben:',
  loggingIn: 'Anmeldung...',
  wrongPin: (n) => `Noch ${n} Versuche`,
  invalidPin: 'Falsche PIN',
  locked: 'Benutzer gesperrt',
  lockedFor: (m) => `Noch ${m} Min`,
  unknownExt: 'Unbekannte Nummer',
  notHotdeskUser: 'Kein Hot Desk Nutzer',
  loginNotAccepted: 'Anmeldung gesperrt',
  loginFailed: 'Anmeldung fehlerh.',
  loggingOut: 'Abmeldung...',
  loggedOut: 'Abgemeldet',
  logoutConfirm: 'Abmelden?',
  logoutPending: 'Abmeldung folgt',
  logoutRefused: 'Abmeldung abgelehnt',
  callRinging: 'Anruf klingelt',
  notAllowed: 'Nicht erlaubt',
  remoteDone: (ext) => `${ext} abgemeldet`,
  reason: {
    user: 'Abgemeldet',
    remote: 'Fernabmeldung',
    auto: 'Auto-Abmeldung',
    scheduled: 'Geplante Abmeldung',
    'login-elsewhere': 'Anderswo angemeldet',
    'failover-version': 'Andere Version',
  },
  invalidCode: 'Ungueltiger Code',
};

const es: HotdeskStrings = {
  noUser: 'Sin usuario',
  enterExt: 'Introd. extension:',
  enterPin: 'Introd. PIN:',
  loggingIn: 'Conectando...',
  wrongPin: (n) => `Quedan ${n} intentos`,
  invalidPin: 'PIN no valido',
  locked: 'Usuario bloqueado',
  lockedFor: (m) => `Espere ${m} min`,
  unknownExt: 'Extension desconoc.',
  notHotdeskUser: 'No es usuario Hot D.',
  loginNotAccepted: 'Acceso no permitido',
  loginFailed: 'Error de conexion',
  loggingOut: 'Desconectando...',
  loggedOut: 'Desconectado',
  logoutConfirm: 'Desconectar?',
  logoutPending: 'Descon. pendiente',
  logoutRefused: 'Descon. rechazada',
  callRinging: 'Llamada entrante',
  notAllowed: 'No permitido',
  remoteDone: (ext) => `${ext} desconectado`,
  reason: {
    user: 'Desconectado',
    remote: 'Descon. remota',
    auto: 'Descon. automatica',
    scheduled: 'Descon. programada',
    'login-elsewhere': 'Conectado en otro',
    'failover-version': 'Version distinta',
  },
  invalidCode: 'Codigo no valido',
};

const TABLE: Record<Language, HotdeskStrings> = { en, fr, de, es };

export function isLanguage(code: string): code is Language {
  return (LANGUAGES as readonly string[]).includes(code);
}

/** The strings for a language code from the wire; an unknown or empty code falls back to English. */
export function stringsFor(code: string | undefined): HotdeskStrings {
  return code !== undefined && isLanguage(code) ? TABLE[code] : en;
}
