// The signed-in user. The token lives in sessionStorage (one tab's session; closing the browser signs
// out), is sent as a Bearer header by api.js, and is dropped on logout or on any 401 answer.
//
// user: {username, display_name, grants:["operator@371302004", "unit_staff#12", …], permissions:[…]}.
// A grant is role@territory (a division code), role#unit (a unit id), or a bare role.
import { reactive, readonly } from 'vue'
import { api, onUnauthorized, setToken } from './api.js'

const TOKEN_KEY = 'civicgrid.token'

const state = reactive({ user: null, token: '', expiresAt: '', checked: false })
export const session = readonly(state)

// {role, territory, unit} of one grant string.
export function parseGrant(text) {
  const m = /^([a-z_]+)(?:@(\d*))?(?:#(\d+))?$/.exec(text ?? '')
  if (!m) return { role: '', territory: '', unit: 0 }
  return { role: m[1], territory: m[2] ?? '', unit: m[3] ? Number(m[3]) : 0 }
}

export function rolesOf(user) {
  return [...new Set((user?.grants ?? []).map((g) => parseGrant(g).role).filter(Boolean))]
}

export function hasRole(user, role) {
  return rolesOf(user).includes(role)
}

export function can(user, permission) {
  return (user?.permissions ?? []).includes(permission)
}

// The division codes the user's grants of `role` (any role when omitted) are bound to.
export function territoriesOf(user, role) {
  return (user?.grants ?? [])
    .map(parseGrant)
    .filter((g) => (!role || g.role === role) && g.territory)
    .map((g) => g.territory)
}

// The unit ids the user's unit_staff grants name.
export function unitsOf(user) {
  return (user?.grants ?? []).map(parseGrant).filter((g) => g.role === 'unit_staff' && g.unit).map((g) => g.unit)
}

// The screen each role opens on after signing in, in order of preference when a user has several.
export const HOME_BY_ROLE = [
  ['operator', '/workbench'],
  ['unit_staff', '/unit'],
  ['leader', '/screen'],
  ['grid_worker', '/grid'],
  ['admin', '/admin'],
  ['resident', '/report'],
]

export function homeOf(user) {
  const roles = rolesOf(user)
  for (const [role, path] of HOME_BY_ROLE) if (roles.includes(role)) return path
  return '/map'
}

function store(token) {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token)
    else window.sessionStorage.removeItem(TOKEN_KEY)
  } catch {
    // storage unavailable: the session lasts as long as the page
  }
}

function clear() {
  state.user = null
  state.token = ''
  state.expiresAt = ''
  setToken('')
  store('')
}

onUnauthorized(() => clear())

// Signs in; answers the user or throws the ApiError (401 wrong password, 429 locked).
export async function login(username, password) {
  const answer = await api.login(username, password)
  state.token = answer.token
  state.expiresAt = answer.expires_at ?? ''
  state.user = answer.user
  state.checked = true
  setToken(answer.token)
  store(answer.token)
  return answer.user
}

export async function logout() {
  try {
    if (state.token) await api.logout()
  } catch {
    // the session ends here whatever the server said
  }
  clear()
}

// Restores a session kept in this tab (once per page load): answers the user, or null.
export async function restore() {
  if (state.checked) return state.user
  state.checked = true
  let token = ''
  try {
    token = window.sessionStorage.getItem(TOKEN_KEY) ?? ''
  } catch {
    token = ''
  }
  if (!token) return null
  setToken(token)
  try {
    const me = await api.me()
    state.token = token
    state.user = me.user ?? me
  } catch {
    clear()
  }
  return state.user
}
