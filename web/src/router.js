// Routes. A view shown in the header navigation sets meta.nav (its order) and meta.titleKey (an i18n
// key). meta.public: open without signing in. meta.roles: shown to and opened by users holding one of
// these roles (admins open everything). meta.bare: full-screen, without the header (big screen, phone
// pages). Views load lazily so each screen is its own chunk.
import { createRouter, createWebHistory } from 'vue-router'
import { homeOf, restore, rolesOf, session } from './session.js'

export const routes = [
  { path: '/', name: 'home', component: () => import('./views/Home.vue'), meta: { titleKey: 'nav.home' } },
  {
    path: '/login',
    name: 'login',
    component: () => import('./views/Login.vue'),
    meta: { titleKey: 'nav.login', public: true },
  },
  {
    path: '/workbench',
    name: 'workbench',
    component: () => import('./views/Workbench.vue'),
    meta: { titleKey: 'nav.workbench', nav: 10, roles: ['operator'] },
  },
  {
    path: '/unit',
    name: 'unit',
    component: () => import('./views/UnitWorkbench.vue'),
    meta: { titleKey: 'nav.unit', nav: 20, roles: ['unit_staff'] },
  },
  {
    path: '/grid',
    name: 'grid-worker',
    component: () => import('./views/GridWorker.vue'),
    meta: { titleKey: 'nav.gridWorker', nav: 30, roles: ['grid_worker'], bare: true },
  },
  {
    path: '/report',
    name: 'resident',
    component: () => import('./views/Resident.vue'),
    meta: { titleKey: 'nav.resident', public: true, bare: true },
  },
  {
    path: '/track/:code?',
    name: 'track',
    component: () => import('./views/Resident.vue'),
    meta: { titleKey: 'nav.track', public: true, bare: true },
  },
  {
    path: '/screen',
    name: 'big-screen',
    component: () => import('./views/BigScreen.vue'),
    meta: { titleKey: 'nav.screen', nav: 40, roles: ['leader', 'operator'], bare: true },
  },
  {
    path: '/admin/:section?',
    name: 'admin',
    component: () => import('./views/Admin.vue'),
    meta: { titleKey: 'nav.admin', nav: 50, roles: ['admin', 'operator'] },
  },
  {
    path: '/map',
    name: 'territory-map',
    component: () => import('./views/TerritoryMap.vue'),
    meta: { titleKey: 'nav.map', nav: 60 },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFound.vue'),
    meta: { titleKey: 'nav.notFound', public: true },
  },
]

// Whether `user` may open a route with `meta`.
export function mayOpen(user, meta) {
  if (meta?.public) return true
  if (!user) return false
  if (!meta?.roles) return true
  const roles = rolesOf(user)
  return roles.includes('admin') || meta.roles.some((r) => roles.includes(r))
}

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
})

router.beforeEach(async (to) => {
  const user = await restore()
  if (to.name === 'login' && user) return homeOf(user)
  if (to.name === 'home') return user ? homeOf(user) : { name: 'login' }
  if (mayOpen(user, to.meta)) return true
  if (!user) return { name: 'login', query: { next: to.fullPath } }
  return homeOf(session.user)
})
