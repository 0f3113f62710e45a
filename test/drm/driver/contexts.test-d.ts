/**
 * Type tests: device contexts are types (DESIGN.md §2). Each @ts-expect-error line is a misuse
 * that must not compile; vitest's typecheck fails if any of them starts compiling.
 */
import { expectTypeOf, test } from 'vitest';
import type { Device, Initialized, Registered, UnbindGuard, UnregisteredDevice } from '../../../src/drm/driver/index.js';

interface T { Data: { label: string }; RegistrationData: { regs: number[] } }
declare const registered: Device<T, Registered>;
declare const initialized: Device<T, Initialized>;
declare const unregistered: UnregisteredDevice<T>;

test('a registered device can be used where an initialized one is expected, not the reverse', () => {
  const wantsInitialized = (d: Device<T, Initialized>) => d;
  const wantsRegistered = (d: Device<T, Registered>) => d;
  wantsInitialized(registered);
  // @ts-expect-error an Initialized device is not Registered
  wantsRegistered(initialized);
});

test('DeviceData is readable in both contexts', () => {
  expectTypeOf(initialized.data).toEqualTypeOf<{ label: string }>();
  expectTypeOf(registered.data).toEqualTypeOf<{ label: string }>();
});

test('Registered-only APIs do not type-check on an Initialized device', () => {
  // @ts-expect-error open() needs the Registered context
  initialized.open();
  // @ts-expect-error enter() needs the Registered context
  initialized.enter();
  // @ts-expect-error guarded() needs the Registered context
  void initialized.guarded(() => 1);
  expectTypeOf(registered.open).toBeFunction();
});

test('RegistrationData is reachable only through a guard', () => {
  // @ts-expect-error no RegistrationData on the device itself
  void registered.registrationData;
  // @ts-expect-error the shared state is private
  void registered.inner;
  const g = registered.enter();
  expectTypeOf(g).toEqualTypeOf<UnbindGuard<T> | null>();
  expectTypeOf(g!.registrationData).toEqualTypeOf<{ regs: number[] }>();
});

test('KMS objects are created on the UnregisteredDevice only', () => {
  expectTypeOf(unregistered.createPlane).toBeFunction();
  // @ts-expect-error a registered device cannot create planes
  void registered.createPlane;
  // @ts-expect-error nor CRTCs
  void registered.createCrtc;
});
