// Routes. A view shown in the header navigation sets meta.nav (its order) and meta.titleKey
// (an i18n key). Views load lazily so each screen is its own chunk.
import { createRouter, createWebHistory } from 'vue-router'

export const routes = [
  { path: '/', redirect: '/map' },
  {
    path: '/map',
    name: 'territory-map',
    component: () => import('./views/TerritoryMap.vue'),
    meta: { titleKey: 'nav.map', nav: 10 },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFound.vue'),
    meta: { titleKey: 'nav.notFound' },
  },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
})
