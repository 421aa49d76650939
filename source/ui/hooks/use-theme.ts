/**
 * Colours as a theme in context, so `NO_COLOR` turns every colour off in one place: with colour
 * disabled each lookup answers `undefined` and components pass that straight to Ink (no SGR
 * colour codes). Ink's chalk does not read NO_COLOR itself, and asciichart writes raw codes.
 */
import {createContext, useContext} from 'react';

export type ColorName = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'white';

export interface Theme {
	/** True when colours may be written. */
	readonly enabled: boolean;
	/** The colour, or undefined when colours are off. */
	color(name: ColorName | undefined): ColorName | undefined;
	/** Green for gains, red for losses, nothing for zero / unknown. */
	pnl(value: number | null | undefined): ColorName | undefined;
}

export function createTheme(enabled: boolean): Theme {
	return {
		enabled,
		color: name => (enabled ? name : undefined),
		pnl(value) {
			if (!enabled || typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) < 0.005) return undefined;
			return value > 0 ? 'green' : 'red';
		},
	};
}

/** Whether to use colour: never with NO_COLOR (non-empty) or FORCE_COLOR=0; else as the stream allows. */
export function colorEnabled(env: NodeJS.ProcessEnv, stdout: {hasColors?: () => boolean; isTTY?: boolean}): boolean {
	if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
	const force = env['FORCE_COLOR'];
	if (force === '0' || force === 'false') return false;
	if (force !== undefined) return true;
	if (typeof stdout.hasColors === 'function') return stdout.hasColors();
	return stdout.isTTY === true;
}

export const ThemeContext = createContext<Theme>(createTheme(true));

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
