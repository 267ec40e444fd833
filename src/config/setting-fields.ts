/**
 * Field validators every module's settings schema shares, so a URL, a header name, a JSON path or an
 * environment variable name is checked, and its error worded, the same way in every section of
 * parley.config.yaml.
 */
import { z } from 'zod';
import { isValidPath } from '../lib/json-path.js';

export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
export const jsonPath = z.string().refine(isValidPath, {
  error: 'expected a dotted JSON path such as attendee.email or attendees[0].barcode',
});
export const candidatePaths = z.array(jsonPath).min(1);
export const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { error: 'expected an HTTP header name' });
export const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' });
export const seconds = z.number().positive({ error: 'expected a number of seconds above 0' });
