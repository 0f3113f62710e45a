/** The real VKMS 6.12 dumps, copied into the repository (fixtures/reference/vkms-6.12). */
import { fileURLToPath } from 'node:url';
export const REFERENCE_DIR = fileURLToPath(new URL('../fixtures/reference/vkms-6.12', import.meta.url));
