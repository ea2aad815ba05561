import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.js'
import { i18n } from './i18n.js'
import './styles.css'
// Message and message-box styles: called from scripts, so the template auto-import does not see them.
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'

createApp(App).use(i18n).use(router).mount('#app')
