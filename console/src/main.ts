import { createApp } from 'vue';
import App from './App.vue';
import { router } from './plugins/router.ts';
import { vuetify } from './plugins/vuetify.ts';
import { nameSpinners } from './plugins/spinner-names.ts';

createApp(App).use(vuetify).use(router).mount('#app');
nameSpinners();
