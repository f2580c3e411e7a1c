/** The colour theme: the system's until the user picks one, remembered in localStorage. */
import { ref, watchEffect } from 'vue';

export type Theme = 'light' | 'dark';

const stored = localStorage.getItem('kubarium.theme');
const system: Theme = window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
export const theme = ref<Theme>(stored === 'dark' || stored === 'light' ? stored : system);

watchEffect(() => {
  document.documentElement.dataset.theme = theme.value;
});

export function toggleTheme(): void {
  theme.value = theme.value === 'dark' ? 'light' : 'dark';
  localStorage.setItem('kubarium.theme', theme.value);
}
