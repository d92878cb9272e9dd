import { runService } from '@zhongtai/platform';
import { gatewayService } from './gateway.service';

void runService(gatewayService);
