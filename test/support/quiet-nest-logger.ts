import { Logger } from '@nestjs/common';

// Libraries log through Nest's Logger; in-process tests keep only warnings and errors.
Logger.overrideLogger(['error', 'warn']);
