/**
 * zod schemas of the JSON secrets the project reads from Secrets Manager. The secret values are
 * created by the operator (README "Deploying"); these schemas are their contract.
 */
import * as z from 'zod';

/** ZDX API key (Administration > API Key Management). */
export const ZdxCredentials = z.lazy(() => z.object({
  keyId: z.string().min(1),
  keySecret: z.string().min(1),
}));
export type ZdxCredentials = z.infer<typeof ZdxCredentials>;

/**
 * ZDX through OneAPI: a ZIdentity API client (Integration > API Clients) with its client secret, or
 * with the PEM private key whose public key is registered on the client (private-key JWT). Exactly one.
 */
export const ZdxOneApiCredentials = z.lazy(() =>
  z
    .strictObject({
      clientId: z.string().min(1),
      clientSecret: z.string().min(1).optional(),
      privateKey: z.string().includes('PRIVATE KEY', { message: 'expected a PEM private key (-----BEGIN PRIVATE KEY-----)' }).optional(),
    })
    .refine((value) => (value.clientSecret === undefined) !== (value.privateKey === undefined), {
      message: 'needs exactly one of clientSecret or privateKey',
    }),
);
export type ZdxOneApiCredentials = z.infer<typeof ZdxOneApiCredentials>;

/** ZCSPM API application and the APIM subscription key (`Ocp-Apim-Subscription-Key`). */
export const ZcspmCredentials = z.lazy(() => z.object({
  applicationId: z.string().min(1),
  applicationSecret: z.string().min(1),
  subscriptionKey: z.string().min(1),
}));
export type ZcspmCredentials = z.infer<typeof ZcspmCredentials>;

/** Slack delivery: an incoming-webhook URL, and optionally a bot token + channel for chat.update/threads. */
export const SlackSettings = z.lazy(() =>
  z
    .object({
      webhookUrl: z.url({ protocol: /^https$/ }).optional(),
      botToken: z.string().min(1).optional(),
      channel: z.string().min(1).optional(),
    })
    .refine((value) => value.webhookUrl !== undefined || value.botToken !== undefined, {
      message: 'needs webhookUrl or botToken',
    })
    .refine((value) => value.botToken === undefined || value.channel !== undefined, {
      message: 'botToken needs a channel',
      path: ['channel'],
    }),
);
export type SlackSettings = z.infer<typeof SlackSettings>;

/** The credential the ZDX alert webhook must present: a bearer token, HTTP basic, or both. */
export const WebhookCredentials = z.lazy(() =>
  z
    .object({
      bearerToken: z.string().min(16).optional(),
      basic: z
        .object({
          username: z.string().min(1),
          password: z.string().min(8),
        })
        .optional(),
    })
    .refine((value) => value.bearerToken !== undefined || value.basic !== undefined, {
      message: 'needs bearerToken or basic { username, password }',
    }),
);
export type WebhookCredentials = z.infer<typeof WebhookCredentials>;
