// Messages of this screen area: {'zh-CN': {...}, en: {...}} with the same keys in both.
export default {
  'zh-CN': {},
  en: {},
}
